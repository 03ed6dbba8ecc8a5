"""Stage author: writing report files for people — next year's report from this year's."""
