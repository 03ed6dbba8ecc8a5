"""The overview in a real browser (headless Chromium): filters, sorting, hostile folder names."""
from __future__ import annotations

import shutil
from urllib.parse import unquote, urlsplit

import pytest

from gendoc.cli.main import main
from tests.browser import chromium, static_server
from tests.conftest import replace_once
from tests.test_overview import annual_reports_only

pytestmark = pytest.mark.slow

HOSTILE = ["javascript:document.body.innerHTML='X'%2F%2F", "dept#1", "q?x=1"]


def visible_agencies(web) -> list[str]:
    return web.execute_script(
        "return Array.from(document.querySelectorAll('#agencies tbody tr'))"
        ".filter(r => !r.hidden && r.offsetParent !== null).map(r => r.dataset.name.split(' ').pop());")


def test_filters_by_name_and_status_and_sorts(project, tmp_path, capsys):
    reports = project / "reports"
    annual_reports_only(project)
    for name in ("north-office", "south-office", "east-office"):
        shutil.copytree(reports / "sample-bureau", reports / name)
    broken = reports / "south-office" / "2022.yaml"
    broken.write_text(replace_once(broken.read_text(encoding="utf-8"), "natural: 45", "natural: 46"), encoding="utf-8")
    out = tmp_path / "out"
    assert main(["build", "--root", str(project), "-o", str(out)]) == 1
    capsys.readouterr()
    with chromium() as web:
        web.get((out / "index-2022.html").as_uri())
        everyone = ["east-office", "north-office", "sample-bureau", "south-office", "zhifu-drc"]
        assert visible_agencies(web) == everyone
        search = web.find_element("id", "filter-name")
        search.send_keys("north")
        assert visible_agencies(web) == ["north-office"]
        assert web.find_element("id", "shown").text == "1"
        search.clear()
        search.send_keys("芝罘")  # by name as well as by folder
        assert visible_agencies(web) == ["zhifu-drc"]
        search.clear()
        web.execute_script("document.getElementById('filter-name').dispatchEvent(new Event('input', {bubbles: true}))")
        web.find_element("css selector", 'input[name="status"][value="error"]').click()
        assert visible_agencies(web) == ["south-office"]
        web.find_element("css selector", 'input[name="status"][value="missing"]').click()
        assert visible_agencies(web) == ["zhifu-drc"]
        web.find_element("css selector", 'input[name="status"][value=""]').click()
        # Sorting by 错误, most first: the broken report leads.
        button = web.find_element("css selector", '#agencies thead th[data-sort="number"] button')
        button.click()
        button.click()
        assert visible_agencies(web)[0] == "south-office"
        # A link from the years table opens the year with its status chosen.
        web.get((out / "index.html").as_uri())
        web.find_element("css selector", 'a[href="index-2022.html?status=error"]').click()
        assert visible_agencies(web) == ["south-office"]


def test_without_javascript_the_whole_list_is_there(project, tmp_path, capsys):
    annual_reports_only(project)
    out = tmp_path / "out"
    assert main(["build", "--root", str(project), "-o", str(out)]) == 0
    capsys.readouterr()
    text = (out / "index-2022.html").read_text(encoding="utf-8")
    assert '<form class="filters" id="filters" hidden>' in text  # shown only by the script
    assert text.count("<tr data-status=") == 2


def test_hostile_folder_names_are_plain_links(project, tmp_path, capsys):
    reports = project / "reports"
    for name in HOSTILE:
        shutil.copytree(reports / "sample-bureau", reports / name)
    out = tmp_path / "out"
    assert main(["build", "--root", str(project), "-o", str(out)]) == 0
    capsys.readouterr()
    with static_server(out) as base, chromium() as web:
        for name in HOSTILE:
            for target in ("2022.html", "index.html"):
                web.get(base + "index.html")
                links = web.find_elements("css selector", "a")
                wanted = [a for a in links if unquote(urlsplit(a.get_attribute("href")).path) == f"/{name}/{target}"]
                assert len(wanted) == 1, (name, target)
                wanted[0].click()
                # The click opened the agency's own file: nothing ran, nothing was cut off.
                assert unquote(urlsplit(web.current_url).path) == f"/{name}/{target}"
                assert web.execute_script("return document.body.innerHTML") != "X"
                assert "示例区示例局" in web.title
