// Filter the agencies by name and status, sort by a column. The page is complete without it.
(function () {
  "use strict";
  var table = document.getElementById("agencies"), form = document.getElementById("filters");
  if (!table || !form) return;
  var body = table.tBodies[0], rows = Array.prototype.slice.call(body.rows);
  var name = document.getElementById("filter-name"), shown = document.getElementById("shown");
  var wanted = new URLSearchParams(location.search).get("status");
  if (wanted) {
    var radio = form.querySelector('input[name="status"][value="' + CSS.escape(wanted) + '"]');
    if (radio) radio.checked = true;
  }
  function apply() {
    var q = name.value.trim().toLowerCase();
    var checked = form.querySelector('input[name="status"]:checked');
    var status = checked ? checked.value : "";
    var n = 0;
    rows.forEach(function (row) {
      var ok = (!q || row.getAttribute("data-name").toLowerCase().indexOf(q) >= 0) &&
        (!status || (" " + row.getAttribute("data-status") + " ").indexOf(" " + status + " ") >= 0);
      row.hidden = !ok;
      if (ok) n += 1;
    });
    shown.textContent = String(n);
  }
  form.addEventListener("input", apply);
  form.addEventListener("submit", function (e) { e.preventDefault(); });
  var heads = table.tHead.rows[0].cells;
  Array.prototype.forEach.call(heads, function (th, col) {
    var how = th.getAttribute("data-sort");
    if (!how) return;
    var button = document.createElement("button");
    button.type = "button";
    button.textContent = th.textContent;
    th.textContent = "";
    th.appendChild(button);
    button.addEventListener("click", function () {
      var ascending = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(heads, function (other) { other.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
      rows.sort(function (a, b) {
        var x = a.cells[col].getAttribute("data-value"), y = b.cells[col].getAttribute("data-value");
        var c = how === "number" ? Number(x) - Number(y) : x.localeCompare(y, "zh");
        return ascending ? c : -c;
      });
      rows.forEach(function (row) { body.appendChild(row); });
    });
  });
  form.hidden = false;
  apply();
})();
