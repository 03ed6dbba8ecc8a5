"""gendoc: generate documents — first of all China's 政府信息公开工作年度报告 — from data files."""

__version__ = "0.1.0"
