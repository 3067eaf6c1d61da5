"""Distribution (配布): the coordinator checks every mask, then hands the agenda out."""
