"""Vocabulary of the demo files: procedures, provinces, agencies, units and the TCVN3 byte table."""

from __future__ import annotations

from typing import NamedTuple


class Procedure(NamedTuple):
    """One administrative procedure as listed in the national procedure database."""

    code: str
    name: str
    field: str
    days: int
    fees: tuple[int, ...]


# Codes keep trailing zeros on purpose (`1.003180`, `2.000100`): a number sniffer loses them.
PROCEDURES: tuple[Procedure, ...] = (
    Procedure("1.001193", "Đăng ký khai sinh", "Hộ tịch", 1, (0,)),
    Procedure("1.000894", "Đăng ký kết hôn", "Hộ tịch", 3, (0,)),
    Procedure("1.000656", "Đăng ký khai tử", "Hộ tịch", 1, (0,)),
    Procedure("2.000635", "Cấp bản sao trích lục hộ tịch", "Hộ tịch", 1, (8_000,)),
    Procedure(
        "1.004873",
        "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch",
        "Hộ tịch",
        3,
        (15_000, 28_000),
    ),
    Procedure("1.004227", "Cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch", 3, (0, 15_000)),
    Procedure(
        "2.000815",
        "Chứng thực bản sao từ bản chính giấy tờ, văn bản",
        "Chứng thực",
        1,
        (2_000, 10_000),
    ),
    Procedure(
        "2.000884", "Chứng thực chữ ký trong các giấy tờ, văn bản", "Chứng thực", 1, (10_000,)
    ),
    Procedure(
        "1.003180",
        "Đăng ký biến động quyền sử dụng đất, quyền sở hữu tài sản gắn liền với đất",
        "Đất đai",
        10,
        (0, 50_000, 100_000, 1_234_000),
    ),
    Procedure(
        "2.000100",
        "Cấp Giấy chứng nhận quyền sử dụng đất lần đầu",
        "Đất đai",
        30,
        (100_000, 500_000, 2_500_000),
    ),
    Procedure("1.004269", "Tách thửa hoặc hợp thửa đất", "Đất đai", 15, (100_000, 300_000)),
    Procedure("1.009994", "Cấp giấy phép xây dựng nhà ở riêng lẻ", "Xây dựng", 15, (75_000,)),
    Procedure(
        "1.009995",
        "Cấp giấy phép xây dựng sửa chữa, cải tạo công trình",
        "Xây dựng",
        20,
        (75_000, 150_000),
    ),
    Procedure(
        "2.000305",
        "Đăng ký thành lập công ty TNHH một thành viên",
        "Thành lập và hoạt động doanh nghiệp",
        3,
        (0, 50_000),
    ),
    Procedure(
        "1.010026",
        "Đăng ký thành lập doanh nghiệp tư nhân",
        "Thành lập và hoạt động doanh nghiệp",
        3,
        (0, 50_000),
    ),
    Procedure(
        "2.000720",
        "Đăng ký thay đổi nội dung đăng ký doanh nghiệp",
        "Thành lập và hoạt động doanh nghiệp",
        3,
        (0, 50_000),
    ),
    Procedure(
        "2.000575",
        "Đăng ký hộ kinh doanh",
        "Thành lập và hoạt động của hộ kinh doanh",
        3,
        (100_000,),
    ),
    Procedure(
        "2.001417",
        "Cấp Phiếu lý lịch tư pháp cho công dân Việt Nam",
        "Lý lịch tư pháp",
        10,
        (200_000,),
    ),
    Procedure("1.002809", "Cấp đổi giấy phép lái xe", "Đường bộ", 5, (135_000,)),
    Procedure("1.002835", "Cấp lại giấy phép lái xe", "Đường bộ", 10, (135_000,)),
    Procedure("1.000401", "Giải quyết hưởng trợ cấp thất nghiệp", "Việc làm", 20, (0,)),
    Procedure(
        "1.000459",
        "Cấp giấy phép lao động cho người lao động nước ngoài làm việc tại Việt Nam",
        "Việc làm",
        5,
        (400_000, 600_000),
    ),
    Procedure(
        "2.000286",
        "Trợ cấp xã hội hàng tháng đối với đối tượng bảo trợ xã hội",
        "Bảo trợ xã hội",
        20,
        (0,),
    ),
    Procedure("1.010821", "Giải quyết chế độ trợ cấp thờ cúng liệt sĩ", "Người có công", 12, (0,)),
    Procedure(
        "1.004516",
        "Cấp chứng chỉ hành nghề khám bệnh, chữa bệnh",
        "Khám bệnh, chữa bệnh",
        30,
        (360_000,),
    ),
    Procedure(
        "1.005099",
        "Chuyển trường đối với học sinh trung học cơ sở",
        "Giáo dục trung học",
        3,
        (0,),
    ),
    Procedure("1.003645", "Cấp giấy phép tổ chức lễ hội", "Văn hóa cơ sở", 15, (0,)),
    Procedure("1.010728", "Đăng ký môi trường", "Môi trường", 15, (0,)),
)

# (code, official name) of the 34 provincial units since 1 July 2025.
PROVINCES: tuple[tuple[str, str], ...] = (
    ("01", "Hà Nội"), ("04", "Cao Bằng"), ("08", "Tuyên Quang"), ("11", "Điện Biên"),
    ("12", "Lai Châu"), ("14", "Sơn La"), ("15", "Lào Cai"), ("19", "Thái Nguyên"),
    ("20", "Lạng Sơn"), ("22", "Quảng Ninh"), ("24", "Bắc Ninh"), ("25", "Phú Thọ"),
    ("31", "Hải Phòng"), ("33", "Hưng Yên"), ("37", "Ninh Bình"), ("38", "Thanh Hóa"),
    ("40", "Nghệ An"), ("42", "Hà Tĩnh"), ("44", "Quảng Trị"), ("46", "Huế"),
    ("48", "Đà Nẵng"), ("51", "Quảng Ngãi"), ("52", "Gia Lai"), ("56", "Khánh Hòa"),
    ("66", "Đắk Lắk"), ("68", "Lâm Đồng"), ("75", "Đồng Nai"), ("79", "Hồ Chí Minh"),
    ("80", "Tây Ninh"), ("82", "Đồng Tháp"), ("86", "Vĩnh Long"), ("91", "An Giang"),
    ("92", "Cần Thơ"), ("96", "Cà Mau"),
)  # fmt: skip

# Spellings found in real files, each with the code of the province it now belongs to:
# old pre-2025 names, abbreviations, missing diacritics, capitals and stray spaces.
PROVINCE_VARIANTS: tuple[tuple[str, str], ...] = (
    ("01", "Ha Noi"), ("01", "TP. Hà Nội"), ("01", "HÀ NỘI"), ("01", "Thành phố Hà Nội"),
    ("79", "TP.HCM"), ("79", "TP Hồ Chí Minh"), ("79", "Tp. Hồ Chí Minh"), ("79", "Bình Dương"),
    ("79", "Bà Rịa - Vũng Tàu"), ("46", "Thừa Thiên Huế"), ("46", "Thừa Thiên - Huế"),
    ("48", "Quảng Nam"), ("48", " Đà Nẵng "), ("31", "Hải Dương"), ("33", "Thái Bình"),
    ("37", "Nam Định"), ("37", "Hà Nam"), ("15", "Yên Bái"), ("08", "Hà Giang"),
    ("25", "Vĩnh Phúc"), ("25", "Hòa Bình"), ("92", "Sóc Trăng"), ("96", "Bạc Liêu"),
    ("66", "Phú Yên"), ("52", "Bình Định"), ("80", "Long An"), ("82", "Tiền Giang"),
    ("38", "Thanh Hoá"), ("56", "Khánh Hoà"),
)  # fmt: skip

AGENCY_TEMPLATES: tuple[str, ...] = (
    "Trung tâm Phục vụ hành chính công {p}",
    "Sở Tư pháp {p}",
    "Sở Tài chính {p}",
    "Văn phòng Đăng ký đất đai {p}",
    "Sở Xây dựng {p}",
    "Công an {p}",
    "UBND phường trung tâm, {p}",
)

SUBMISSION_CHANNELS: tuple[str, ...] = ("Trực tuyến", "Trực tiếp", "Bưu chính")
SUBMISSION_WEIGHTS: tuple[int, ...] = (55, 40, 5)

SHORT_NOTES: tuple[str, ...] = (
    "Hồ sơ bổ sung",
    "Trả qua bưu điện",
    "Công dân đề nghị gia hạn",
    "Đã liên hệ qua điện thoại",
)
MULTILINE_NOTES: tuple[str, ...] = (
    "Yêu cầu bổ sung: bản sao CCCD, giấy ủy quyền\nHẹn lại lần 2, ngày làm việc tiếp theo",
    'Sai thông tin "ngày sinh", đã hướng dẫn\nnộp lại, kèm tờ khai mới',
)

# Units listed in the legacy TCVN3 file: only letters TCVN3 can hold (no capital with a tone).
LEGACY_UNITS: tuple[tuple[str, str, str, str], ...] = (
    ("000.00.01.H26", "Văn phòng UBND tỉnh", "Cấp tỉnh", "0221 3862 001"),
    ("000.00.02.H26", "Sở Tư pháp", "Sở, ngành", "0221 3863 202"),
    ("000.00.03.H26", "Sở Tài chính", "Sở, ngành", "0221 3862 316"),
    ("000.00.04.H26", "Sở Nội vụ", "Sở, ngành", "0221 3864 004"),
    ("000.00.05.H26", "Sở Xây dựng", "Sở, ngành", "0221 3865 112"),
    ("000.00.06.H26", "Sở Nông nghiệp và Môi trường", "Sở, ngành", "0221 3866 058"),
    ("000.00.07.H26", "Sở Giáo dục và Đào tạo", "Sở, ngành", "0221 3867 009"),
    ("000.00.08.H26", "Sở Y tế", "Sở, ngành", "0221 3868 115"),
    ("000.00.09.H26", "Sở Văn hóa, Thể thao và Du lịch", "Sở, ngành", "0221 3869 010"),
    ("000.00.10.H26", "Sở Công thương", "Sở, ngành", "0221 3870 771"),
    ("000.00.11.H26", "Ban Quản lý các khu công nghiệp", "Cấp tỉnh", "0221 3871 600"),
    ("000.00.12.H26", "Trung tâm Phục vụ hành chính công", "Cấp tỉnh", "0221 3872 999"),
    ("000.00.13.H26", "Công an tỉnh", "Cấp tỉnh", "0221 3873 113"),
    ("000.21.30.H26", "UBND phường Đông Tiến", "Cấp xã", "0221 3874 021"),
    ("000.22.30.H26", "UBND xã Hồng Châu", "Cấp xã", "0221 3874 022"),
    ("000.23.30.H26", "UBND xã Nghĩa Trụ", "Cấp xã", "0221 3874 023"),
    ("000.24.30.H26", "UBND phường Mỹ Hào", "Cấp xã", "0221 3874 024"),
    ("000.25.30.H26", "UBND xã Tân Việt", "Cấp xã", "0221 3874 025"),
)

# TCVN3 (ABC): one byte per Vietnamese letter; capitals with a tone mark do not exist.
TCVN3_BYTES: dict[str, int] = {
    "Ă": 0xA1, "Â": 0xA2, "Ê": 0xA3, "Ô": 0xA4, "Ơ": 0xA5, "Ư": 0xA6, "Đ": 0xA7,
    "ă": 0xA8, "â": 0xA9, "ê": 0xAA, "ô": 0xAB, "ơ": 0xAC, "ư": 0xAD, "đ": 0xAE,
    "à": 0xB5, "ả": 0xB6, "ã": 0xB7, "á": 0xB8, "ạ": 0xB9,
    "ằ": 0xBB, "ẳ": 0xBC, "ẵ": 0xBD, "ắ": 0xBE, "ặ": 0xC6,
    "ầ": 0xC7, "ẩ": 0xC8, "ẫ": 0xC9, "ấ": 0xCA, "ậ": 0xCB,
    "è": 0xCC, "ẻ": 0xCE, "ẽ": 0xCF, "é": 0xD0, "ẹ": 0xD1,
    "ề": 0xD2, "ể": 0xD3, "ễ": 0xD4, "ế": 0xD5, "ệ": 0xD6,
    "ì": 0xD7, "ỉ": 0xD8, "ĩ": 0xDC, "í": 0xDD, "ị": 0xDE,
    "ò": 0xDF, "ỏ": 0xE1, "õ": 0xE2, "ó": 0xE3, "ọ": 0xE4,
    "ồ": 0xE5, "ổ": 0xE6, "ỗ": 0xE7, "ố": 0xE8, "ộ": 0xE9,
    "ờ": 0xEA, "ở": 0xEB, "ỡ": 0xEC, "ớ": 0xED, "ợ": 0xEE,
    "ù": 0xEF, "ủ": 0xF1, "ũ": 0xF2, "ú": 0xF3, "ụ": 0xF4,
    "ừ": 0xF5, "ử": 0xF6, "ữ": 0xF7, "ứ": 0xF8, "ự": 0xF9,
    "ỳ": 0xFA, "ỷ": 0xFB, "ỹ": 0xFC, "ý": 0xFD, "ỵ": 0xFE,
}  # fmt: skip
