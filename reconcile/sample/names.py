"""Vietnamese names for made-up people, the one list the sample month (sample/people.py) and the
generated months (generate/people.py) both draw from: common family names, middle and given names
by gender."""

FAMILY = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE = {
    "male": ["Văn", "Đức", "Hữu", "Minh", "Quang", "Công", "Xuân"],
    "female": ["Thị", "Ngọc", "Thu", "Thanh", "Kim", "Thị Thanh", "Thị Minh"],
}
GIVEN = {
    "male": ["Hùng", "Dũng", "Bình", "Hải", "Tuấn", "Thắng", "Long", "Phúc", "Sơn", "Toàn", "Khải", "Đạt"],
    "female": ["Hoa", "Lan", "Mai", "Hương", "Hằng", "Nhung", "Thủy", "Loan", "Yến", "Huệ", "Quyên", "Ngân"],
}
