"""Social critique (phản biện xã hội) of draft policies: Luật Công đoàn 2024 Điều 17."""
