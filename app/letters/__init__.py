"""Letters (đơn thư): intake, classification, decisions, duplicates, second complaints."""
