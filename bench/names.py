"""Vietnamese names, places and phrases the benchmark generator builds its text from.

Plain data: each list is folded once by the generator, so titles and search text are joined
from pre-folded parts instead of folding a million strings.
"""

PROVINCES = [
    "Hà Nội", "TP. Hồ Chí Minh", "Hải Phòng", "Đà Nẵng", "Cần Thơ", "Hà Giang", "Cao Bằng",
    "Bắc Kạn", "Tuyên Quang", "Lào Cai", "Điện Biên", "Lai Châu", "Sơn La", "Yên Bái",
    "Hòa Bình", "Thái Nguyên", "Lạng Sơn", "Quảng Ninh", "Bắc Giang", "Phú Thọ", "Vĩnh Phúc",
    "Bắc Ninh", "Hải Dương", "Hưng Yên", "Thái Bình", "Hà Nam", "Nam Định", "Ninh Bình",
    "Thanh Hóa", "Nghệ An", "Hà Tĩnh", "Quảng Bình", "Quảng Trị", "Thừa Thiên Huế",
    "Quảng Nam", "Quảng Ngãi", "Bình Định", "Phú Yên", "Khánh Hòa", "Ninh Thuận",
    "Bình Thuận", "Kon Tum", "Gia Lai", "Đắk Lắk", "Đắk Nông", "Lâm Đồng", "Bình Phước",
    "Tây Ninh", "Bình Dương", "Đồng Nai", "Bà Rịa - Vũng Tàu", "Long An", "Tiền Giang",
    "Bến Tre", "Trà Vinh", "Vĩnh Long", "Đồng Tháp", "An Giang", "Kiên Giang", "Hậu Giang",
    "Sóc Trăng", "Bạc Liêu", "Cà Mau",
]

SECTORS = [
    "Công Thương", "Giáo dục", "Y tế", "Xây dựng", "Giao thông vận tải",
    "Nông nghiệp và Phát triển nông thôn", "Dệt May", "Điện lực", "Dầu khí", "Ngân hàng",
    "Bưu điện", "Cao su", "Than - Khoáng sản", "Đường sắt", "Hàng không", "Viên chức",
    "Tài chính", "Thông tin và Truyền thông", "Hóa chất", "Tàu thủy",
]

DISTRICTS = [
    "Đông Anh", "Sóc Sơn", "Thanh Trì", "Gia Lâm", "Mê Linh", "Thạch Thất", "Quốc Oai",
    "Chương Mỹ", "Thường Tín", "Phú Xuyên", "Ứng Hòa", "Mỹ Đức", "Ba Vì", "Phúc Thọ",
    "Đan Phượng", "Hoài Đức", "Kỳ Anh", "Hồng Lĩnh", "Cẩm Xuyên", "Thạch Hà", "Can Lộc",
    "Đức Thọ", "Hương Sơn", "Vũ Quang", "Nghi Xuân", "Lộc Hà", "Hương Khê", "Củ Chi",
    "Hóc Môn", "Bình Chánh", "Nhà Bè", "Cần Giờ", "Thủ Đức", "Dĩ An", "Thuận An", "Bến Cát",
    "Tân Uyên", "Phú Giáo", "Dầu Tiếng", "Biên Hòa", "Long Thành", "Nhơn Trạch", "Trảng Bom",
    "Thống Nhất", "Vĩnh Cửu", "Định Quán", "Xuân Lộc", "Cẩm Mỹ", "Yên Phong", "Quế Võ",
    "Tiên Du", "Từ Sơn", "Thuận Thành", "Gia Bình", "Lương Tài", "Việt Yên", "Yên Dũng",
    "Lạng Giang", "Hiệp Hòa", "Tân Yên", "Đông Triều", "Uông Bí", "Cẩm Phả", "Hạ Long",
    "Móng Cái", "Quảng Yên", "Thủy Nguyên", "An Dương", "Kiến Thụy", "Tiên Lãng", "Vĩnh Bảo",
    "Hòa Vang", "Liên Chiểu", "Cẩm Lệ", "Ninh Kiều", "Cái Răng", "Ô Môn", "Thốt Nốt",
    "Quỳnh Lưu", "Diễn Châu", "Nghi Lộc", "Hưng Nguyên", "Nam Đàn", "Đô Lương", "Yên Thành",
    "Tĩnh Gia", "Quảng Xương", "Hoằng Hóa", "Hậu Lộc", "Nga Sơn", "Thọ Xuân", "Triệu Sơn",
    "Đức Hòa", "Bến Lức", "Cần Giuộc", "Cần Đước", "Châu Thành", "Chợ Gạo", "Cai Lậy",
]

BRANDS = [
    "Hòa Phát", "Minh Long", "Việt Hàn", "Tân Thuận", "Linh Trung", "Vũng Áng", "Phú Tài",
    "Hưng Thịnh", "An Phát", "Đại Dương", "Thành Công", "Hoàng Gia", "Sao Mai", "Bình Minh",
    "Trường Sơn", "Hồng Hà", "Cửu Long", "Phương Nam", "Đông Á", "Thái Bình Dương",
    "Nam Việt", "Kim Long", "Phúc Hưng", "Thiên Long", "Việt Thắng", "Hải Hà", "Tiến Phát",
    "Quang Minh", "Ánh Dương", "Hữu Nghị", "Đồng Tâm", "Thăng Long", "Sông Đà", "Lam Sơn",
    "Hà Trung", "Vạn Xuân", "Tân Cảng", "Bảo Long", "Việt Úc", "Hàn Việt", "Nhật Tân",
    "Khánh Hội", "Sài Gòn Xanh", "Mekong", "Pou Yuen", "Samho", "Hansae", "Changshin",
    "Nobland", "Shin Sung", "Youngone", "Taekwang", "Hwaseung", "Kyungbang", "Esquel",
]

INDUSTRIES = [
    "May mặc", "Giày da", "Điện tử", "Thép", "Chế biến thủy sản", "Cơ khí", "Xi măng",
    "Gỗ nội thất", "Nhựa", "Bao bì", "Dược phẩm", "Thực phẩm", "Dệt nhuộm", "Linh kiện ô tô",
    "Vận tải", "Xây dựng", "Cao su", "Phân bón", "Logistics", "Chế biến nông sản",
]

COMPANY_FORMS = ["Công ty TNHH", "Công ty Cổ phần", "Công ty TNHH MTV", "Tổng công ty"]

SCHOOL_KINDS = ["Trường THPT", "Trường THCS", "Trường Tiểu học", "Trường Mầm non"]

SURNAMES = [
    ("Nguyễn", 38), ("Trần", 11), ("Lê", 9.5), ("Phạm", 7), ("Hoàng", 5), ("Huỳnh", 4),
    ("Phan", 4), ("Vũ", 4), ("Võ", 3), ("Đặng", 2), ("Bùi", 2), ("Đỗ", 1.5), ("Hồ", 1.5),
    ("Ngô", 1.3), ("Dương", 1), ("Lý", 0.5), ("Đinh", 0.8), ("Trịnh", 0.6), ("Lương", 0.5),
]
MIDDLE_MALE = [("Văn", 50), ("Đức", 8), ("Minh", 8), ("Quang", 6), ("Hữu", 6), ("Thanh", 5),
               ("Công", 5), ("Đình", 5), ("Ngọc", 3), ("Xuân", 3), ("Quốc", 3)]
MIDDLE_FEMALE = [("Thị", 60), ("Ngọc", 6), ("Thu", 6), ("Thanh", 5), ("Hồng", 5), ("Minh", 4),
                 ("Kim", 4), ("Bích", 3), ("Thúy", 3), ("Phương", 3)]
GIVEN_MALE = [("Hùng", 9), ("Dũng", 6), ("Tuấn", 6), ("Hải", 5), ("Nam", 5), ("Long", 5),
              ("Minh", 5), ("Quân", 4), ("Sơn", 4), ("Thắng", 4), ("Cường", 4), ("Phong", 3),
              ("Khang", 2), ("Lợi", 2), ("Hòa", 3), ("Bình", 3), ("Đức", 3), ("Toàn", 2),
              ("Trung", 3), ("Việt", 2), ("Khoa", 2), ("Thành", 3), ("Tài", 2), ("Hiếu", 2)]
GIVEN_FEMALE = [("Lan", 6), ("Hương", 6), ("Mai", 6), ("Hoa", 5), ("Hà", 5), ("Linh", 5),
                ("Ngọc", 4), ("Thảo", 4), ("Trang", 5), ("Yến", 4), ("Nhung", 3), ("Huyền", 4),
                ("Hạnh", 3), ("Nguyệt", 2), ("Tâm", 3), ("Châu", 2), ("Vân", 3), ("Oanh", 2),
                ("Thủy", 3), ("Dung", 3), ("Loan", 2), ("Quyên", 2)]

#: The common name the unselective search looks for, given to a share of person subjects.
COMMON_NAME = "Nguyễn Văn Hùng"

POSITIONS = [
    ("head", "Giám đốc Công ty", "Đảng ủy Khối Doanh nghiệp tỉnh"),
    ("head", "Hiệu trưởng", "Đảng ủy phường"),
    ("head", "Chủ tịch Công đoàn cơ sở", "Chi bộ Công ty"),
    ("key_cadre", "Trưởng phòng Tổ chức - Hành chính", "Đảng ủy Công ty"),
    ("key_cadre", "Phó Giám đốc phụ trách sản xuất", "Đảng ủy Công ty"),
    ("cadre", "Kế toán trưởng", "Chi bộ Phòng Tài chính"),
    ("cadre", "Trưởng phòng Nhân sự", "Chi bộ Văn phòng"),
    ("party_member", "Quản đốc phân xưởng", "Chi bộ Phân xưởng"),
    ("party_member", "Tổ trưởng sản xuất", "Chi bộ Phân xưởng"),
]

SUPERVISION_TOPICS = [
    "thực hiện chế độ bảo hiểm xã hội cho người lao động",
    "tu dưỡng, rèn luyện đạo đức, lối sống của người đứng đầu",
    "thực hiện quy chế dân chủ ở cơ sở",
    "trả lương làm thêm giờ và ca đêm",
    "bảo đảm an toàn, vệ sinh lao động tại phân xưởng",
    "thực hiện thỏa ước lao động tập thể",
    "chi trả tiền thưởng cuối năm",
    "bố trí nhà ở cho công nhân",
    "thực hiện chính sách đối với lao động nữ",
    "tổ chức bữa ăn giữa ca",
    "đóng kinh phí công đoàn",
    "ký kết hợp đồng lao động",
]

RECOMMENDATION_TEXTS = [
    "Truy đóng bảo hiểm xã hội còn nợ cho người lao động",
    "Trả bổ sung tiền lương làm thêm giờ còn thiếu",
    "Công khai quy chế trả lương, thưởng tại nơi làm việc",
    "Bố trí phòng vắt, trữ sữa cho lao động nữ",
    "Kiểm điểm trách nhiệm người đứng đầu",
    "Nâng giá trị bữa ăn giữa ca theo thỏa ước",
    "Trang bị đủ phương tiện bảo vệ cá nhân cho công nhân",
    "Tổ chức đối thoại định kỳ tại nơi làm việc",
    "Ký lại hợp đồng lao động đúng loại hợp đồng",
    "Đóng đủ kinh phí công đoàn còn nợ",
]

LETTER_ISSUES = [
    "chấm dứt hợp đồng lao động trái pháp luật",
    "trù dập người lao động góp ý",
    "tiền ăn giữa ca không bảo đảm",
    "nợ lương nhiều tháng",
    "quyết định xử lý kỷ luật sa thải",
    "chậm đóng bảo hiểm xã hội",
    "tăng ca vượt quá số giờ cho phép",
    "điều chuyển công việc không có thỏa thuận",
    "chi quỹ công đoàn không công khai",
    "thu tiền đoàn phí sai quy định",
    "không trả trợ cấp thôi việc",
    "cắt giảm phụ cấp độc hại",
]

LETTER_WORDS = {
    "complaint": "Đơn khiếu nại",
    "denunciation": "Đơn tố cáo",
    "petition": "Đơn kiến nghị",
    "feedback": "Phản ánh",
    None: "Đơn",
}

DIALOGUE_TITLES = [
    "Đối thoại định kỳ tại doanh nghiệp",
    "Đối thoại về điều chỉnh đơn giá tiền lương",
    "Đối thoại về việc tổ chức lại ca làm việc",
    "Đối thoại về điều kiện làm việc và bữa ăn ca",
]

CRITIQUE_TITLES = [
    "Phản biện dự thảo Nghị định quy định chi tiết về tiền lương tối thiểu",
    "Phản biện dự thảo Kế hoạch nhà ở xã hội cho công nhân",
    "Phản biện dự thảo Chương trình đào tạo nghề cho lao động nữ",
    "Phản biện dự án Luật Việc làm (sửa đổi)",
    "Phản biện dự thảo Quyết định hỗ trợ người lao động mất việc",
]
DRAFTING_BODIES = ["Bộ Nội vụ", "Ủy ban nhân dân tỉnh", "Sở Nội vụ", "Bộ Tài chính",
                   "Bộ Y tế", "Sở Xây dựng"]

SUMMARY_OPENINGS = [
    "Người lao động phản ánh",
    "Qua theo dõi dư luận và báo chí địa phương, có ý kiến về việc",
    "Ban Thanh tra nhân dân kiến nghị làm rõ việc",
    "Công đoàn cơ sở báo cáo",
    "Đoàn viên đề nghị xem xét",
    "Tập thể người lao động kiến nghị về việc",
]
SUMMARY_DETAILS = [
    "doanh nghiệp chậm đóng bảo hiểm xã hội, ảnh hưởng đến chế độ ốm đau, thai sản",
    "việc sử dụng tài sản công chưa đúng quy định",
    "việc chi trả tiền thưởng cuối năm không công khai",
    "việc tăng ca liên tục vượt quá 40 giờ mỗi tháng",
    "quyết định điều chuyển công việc không có sự thỏa thuận",
    "thái độ ứng xử chưa chuẩn mực với người lao động",
    "việc không bố trí đủ nước uống, chỗ nghỉ giữa ca",
    "việc khấu trừ lương không rõ lý do",
]
SUMMARY_CLOSINGS = [
    "đề nghị công đoàn cấp trên vào cuộc.",
    "đề nghị làm rõ trách nhiệm của người đứng đầu.",
    "đề nghị doanh nghiệp khắc phục ngay.",
    "đề nghị được trả lời bằng văn bản.",
]

#: A rare phrase (a few hundred cases at a million): the selective search.
RARE_PHRASE = "rò rỉ khí amoniac tại xưởng cấp đông"

COMMENTS = [
    "Đã trao đổi với đơn vị, hồ sơ đầy đủ.", "Đề nghị bổ sung tài liệu chứng minh.",
    "Thống nhất theo đề xuất của bộ phận chuyên môn.", "Chưa đủ căn cứ, cần làm rõ thêm.",
    "Đã báo cáo Thường trực xem xét.", "Đơn vị đã cam kết khắc phục.",
]
