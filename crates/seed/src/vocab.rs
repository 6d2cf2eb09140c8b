//! Shared vocabulary: the 63 provinces and centrally-run cities, people's names, and sentences that
//! fit any story. Topic-specific text lives in [`crate::topics`].
//!
//! Templates may contain placeholders, filled per article by `article::Composer`:
//! `{p}` place name, `{pk}` place with its kind ("tỉnh Bắc Giang", "TP Hà Nội"), `{l}` a locality
//! of that place, `{s}` the acting body, `{x}` the topic's detail, `{r}` the official's role,
//! `{k}`/`{K}` the official's full name and role, `{kn}`/`{Kn}` "ông Hùng", `{d}` day/month,
//! `{y}` year, and numbers: `{q}` 2–9, `{n}` 3–60, `{m}` 120–980, `{pct}` 10–90%, `{hp}` 90–99.9%,
//! `{b}` an amount in tỷ đồng.

/// How a place is referred to in running text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PlaceKind {
    /// "tỉnh Bắc Giang"
    Province,
    /// "TP Hà Nội"
    City,
    /// The name already says what it is ("TP Hồ Chí Minh").
    SelfNamed,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Place {
    pub(crate) name: &'static str,
    pub(crate) kind: PlaceKind,
    /// Districts, towns or landmarks of the place, so stories can be set somewhere specific.
    pub(crate) localities: [&'static str; 2],
}

const fn province(name: &'static str, localities: [&'static str; 2]) -> Place {
    Place { name, kind: PlaceKind::Province, localities }
}

const fn city(name: &'static str, localities: [&'static str; 2]) -> Place {
    Place { name, kind: PlaceKind::City, localities }
}

/// The 63 provinces and centrally-run cities. Their order is the order of the first 63 tags.
pub(crate) const PLACES: &[Place] = &[
    city("Hà Nội", ["Ba Vì", "Sóc Sơn"]),
    Place { name: "TP Hồ Chí Minh", kind: PlaceKind::SelfNamed, localities: ["Củ Chi", "Cần Giờ"] },
    city("Hải Phòng", ["Cát Hải", "Thủy Nguyên"]),
    city("Đà Nẵng", ["Hòa Vang", "Sơn Trà"]),
    city("Cần Thơ", ["Phong Điền", "Cờ Đỏ"]),
    province("An Giang", ["Tịnh Biên", "Châu Đốc"]),
    province("Bà Rịa - Vũng Tàu", ["Côn Đảo", "Xuyên Mộc"]),
    province("Bắc Giang", ["Yên Thế", "Lục Ngạn"]),
    province("Bắc Kạn", ["Ba Bể", "Chợ Đồn"]),
    province("Bạc Liêu", ["Hồng Dân", "Đông Hải"]),
    province("Bắc Ninh", ["Từ Sơn", "Tiên Du"]),
    province("Bến Tre", ["Chợ Lách", "Ba Tri"]),
    province("Bình Định", ["Hoài Nhơn", "Phù Cát"]),
    province("Bình Dương", ["Dầu Tiếng", "Bến Cát"]),
    province("Bình Phước", ["Bù Đăng", "Lộc Ninh"]),
    province("Bình Thuận", ["Phan Thiết", "Tuy Phong"]),
    province("Cà Mau", ["Năm Căn", "Ngọc Hiển"]),
    province("Cao Bằng", ["Trùng Khánh", "Hà Quảng"]),
    province("Đắk Lắk", ["Buôn Đôn", "Krông Pắc"]),
    province("Đắk Nông", ["Krông Nô", "Đắk Mil"]),
    province("Điện Biên", ["Mường Nhé", "Tuần Giáo"]),
    province("Đồng Nai", ["Nhơn Trạch", "Tân Phú"]),
    province("Đồng Tháp", ["Tháp Mười", "Tam Nông"]),
    province("Gia Lai", ["Chư Sê", "Kbang"]),
    province("Hà Giang", ["Đồng Văn", "Mèo Vạc"]),
    province("Hà Nam", ["Kim Bảng", "Thanh Liêm"]),
    province("Hà Tĩnh", ["Hương Sơn", "Nghi Xuân"]),
    province("Hải Dương", ["Chí Linh", "Kinh Môn"]),
    province("Hậu Giang", ["Phụng Hiệp", "Long Mỹ"]),
    province("Hòa Bình", ["Mai Châu", "Đà Bắc"]),
    province("Hưng Yên", ["Văn Giang", "Khoái Châu"]),
    province("Khánh Hòa", ["Cam Ranh", "Vạn Ninh"]),
    province("Kiên Giang", ["Phú Quốc", "Hà Tiên"]),
    province("Kon Tum", ["Kon Plông", "Ngọc Hồi"]),
    province("Lai Châu", ["Sìn Hồ", "Tam Đường"]),
    province("Lâm Đồng", ["Đà Lạt", "Bảo Lộc"]),
    province("Lạng Sơn", ["Hữu Lũng", "Cao Lộc"]),
    province("Lào Cai", ["Sa Pa", "Bát Xát"]),
    province("Long An", ["Tân Hưng", "Cần Giuộc"]),
    province("Nam Định", ["Giao Thủy", "Hải Hậu"]),
    province("Nghệ An", ["Nam Đàn", "Quỳnh Lưu"]),
    province("Ninh Bình", ["Hoa Lư", "Kim Sơn"]),
    province("Ninh Thuận", ["Ninh Hải", "Thuận Nam"]),
    province("Phú Thọ", ["Thanh Sơn", "Tân Sơn"]),
    province("Phú Yên", ["Sông Cầu", "Đồng Xuân"]),
    province("Quảng Bình", ["Bố Trạch", "Minh Hóa"]),
    province("Quảng Nam", ["Hội An", "Nam Trà My"]),
    province("Quảng Ngãi", ["Lý Sơn", "Bình Sơn"]),
    province("Quảng Ninh", ["Vân Đồn", "Cô Tô"]),
    province("Quảng Trị", ["Vĩnh Linh", "Hướng Hóa"]),
    province("Sóc Trăng", ["Trần Đề", "Mỹ Xuyên"]),
    province("Sơn La", ["Mộc Châu", "Thuận Châu"]),
    province("Tây Ninh", ["Gò Dầu", "Tân Biên"]),
    province("Thái Bình", ["Tiền Hải", "Kiến Xương"]),
    province("Thái Nguyên", ["Đại Từ", "Định Hóa"]),
    province("Thanh Hóa", ["Bá Thước", "Quan Hóa"]),
    province("Thừa Thiên Huế", ["Phú Lộc", "A Lưới"]),
    province("Tiền Giang", ["Cái Bè", "Gò Công"]),
    province("Trà Vinh", ["Cầu Ngang", "Duyên Hải"]),
    province("Tuyên Quang", ["Na Hang", "Lâm Bình"]),
    province("Vĩnh Long", ["Trà Ôn", "Long Hồ"]),
    province("Vĩnh Phúc", ["Tam Đảo", "Lập Thạch"]),
    province("Yên Bái", ["Mù Cang Chải", "Văn Chấn"]),
];

pub(crate) const FAMILY_NAMES: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
    "Dương", "Lý", "Đinh", "Trịnh", "Lương", "Đoàn",
];
pub(crate) const MALE_MIDDLE_NAMES: &[&str] =
    &["Văn", "Đức", "Minh", "Quốc", "Hữu", "Thanh", "Xuân", "Công", "Đình", "Ngọc"];
pub(crate) const MALE_GIVEN_NAMES: &[&str] = &[
    "Hùng", "Dũng", "Tuấn", "Thắng", "Khánh", "Phong", "Hải", "Long", "Sơn", "Quang", "Thành", "Cường",
    "Hiếu", "Toàn", "Việt", "Đạt",
];
pub(crate) const FEMALE_MIDDLE_NAMES: &[&str] =
    &["Thị", "Thu", "Ngọc", "Thanh", "Hồng", "Minh", "Thúy", "Kim"];
pub(crate) const FEMALE_GIVEN_NAMES: &[&str] = &[
    "Lan",
    "Hương",
    "Hà",
    "Mai",
    "Trang",
    "Hạnh",
    "Yến",
    "Nga",
    "Thảo",
    "Linh",
    "Huyền",
    "Phượng",
    "Loan",
    "Dung",
];

/// Photo credits when the writer did not take the pictures ("Ảnh: Quốc Tuấn").
pub(crate) const PHOTOGRAPHERS: &[&str] =
    &["Quốc Tuấn", "Hoàng Hà", "Thanh Tùng", "Ngọc Mai", "Văn Đạt", "Đức Thọ", "Khánh Linh", "Trọng Hiếu"];
pub(crate) const OTHER_CREDITS: &[&str] = &["Ảnh: Tư liệu", "Ảnh: BTC", "Ảnh: CTV", "Ảnh minh họa"];

/// Sentences that fit a story on any topic; paragraphs mix them with the topic's own.
pub(crate) const GENERIC_SENTENCES: &[&str] = &[
    "Thời gian tới, {pk} sẽ tiếp tục rà soát, hoàn thiện cơ chế, chính sách để tạo điều kiện thuận lợi cho người dân và doanh nghiệp.",
    "Phát biểu tại buổi làm việc, {k}, đánh giá cao sự vào cuộc quyết liệt của các cấp, các ngành.",
    "Theo {kn}, kết quả đạt được là nhờ sự đồng lòng của chính quyền và nhân dân trên địa bàn.",
    "{Kn} cho biết địa phương sẽ sớm tổng kết, rút kinh nghiệm để nhân rộng trong thời gian tới.",
    "Bên cạnh những kết quả tích cực, quá trình triển khai vẫn còn một số tồn tại, hạn chế cần sớm khắc phục.",
    "Nguyên nhân chủ yếu là nguồn lực còn hạn chế, trong khi nhu cầu đầu tư rất lớn.",
    "Lãnh đạo {pk} yêu cầu các sở, ngành liên quan phối hợp chặt chẽ, xác định rõ trách nhiệm của từng đơn vị.",
    "Các cơ quan báo chí được đề nghị đẩy mạnh tuyên truyền để người dân hiểu và đồng hành.",
    "Nhiều ý kiến cho rằng cần có cơ chế đặc thù để địa phương chủ động hơn trong quá trình triển khai.",
    "Đại diện chính quyền {l} cho biết sẽ tiếp thu đầy đủ ý kiến của người dân để điều chỉnh cho phù hợp.",
    "Theo số liệu của {s}, phần lớn chỉ tiêu chính trong năm {y} đều đạt và vượt kế hoạch.",
    "Đây là lần đầu tiên hoạt động này được tổ chức với quy mô lớn tại {l}.",
    "Việc triển khai được thực hiện theo lộ trình, có kiểm tra, đánh giá định kỳ hằng quý.",
    "Người dân {l} bày tỏ phấn khởi và mong những chuyển biến tích cực sẽ được duy trì lâu dài.",
    "Tham dự có đại diện lãnh đạo các sở, ban, ngành, chính quyền địa phương và đông đảo người dân.",
    "Kết thúc buổi làm việc, {kn} đề nghị các đơn vị khẩn trương hoàn thiện báo cáo, gửi về cơ quan thường trực trước cuối tháng.",
    "So với cùng kỳ năm trước, kết quả này tăng khoảng {pct}.",
    "Công tác kiểm tra, giám sát được tăng cường nhằm kịp thời phát hiện và chấn chỉnh những sai sót.",
    "{s} đã thành lập tổ công tác để theo dõi, đôn đốc tiến độ thực hiện.",
    "Theo kế hoạch, giai đoạn hai sẽ được triển khai trong năm tới với quy mô lớn hơn.",
    "Các chuyên gia nhận định {p} có nhiều lợi thế nhưng cần cách làm bài bản, dài hơi hơn.",
    "Chính quyền {l} đã thành lập các tổ vận động, đến từng hộ dân để tuyên truyền, giải thích.",
    "Qua đó, góp phần nâng cao đời sống vật chất và tinh thần của người dân trên địa bàn.",
    "Ở nhiều địa phương khác, các mô hình tương tự cũng đang được triển khai và bước đầu mang lại hiệu quả.",
    "Mọi phản ánh, kiến nghị của người dân đều được tiếp nhận và trả lời công khai trên cổng thông tin của địa phương.",
    "Kinh phí thực hiện được bố trí từ ngân sách địa phương và các nguồn huy động hợp pháp khác.",
    "Dịp này, {n} tập thể, cá nhân có thành tích xuất sắc đã được biểu dương, khen thưởng.",
    "Đơn vị chủ trì cho biết sẽ rút kinh nghiệm để những lần sau được tổ chức chu đáo, chuyên nghiệp hơn.",
    "Trong năm {y}, {pk} đặt mục tiêu giữ tốc độ tăng trưởng kinh tế ở mức khá so với cả nước.",
    "Những con số trên cho thấy nỗ lực rất lớn của cả hệ thống chính trị trong thời gian qua.",
    "Trao đổi với phóng viên, {k}, cho biết nhiều việc đã làm được nhưng phía trước vẫn còn không ít khó khăn.",
    "Để đạt mục tiêu đề ra, {pk} xác định phải huy động mọi nguồn lực, trong đó nội lực là quyết định.",
    "Người đứng đầu các đơn vị phải chịu trách nhiệm nếu để chậm trễ, kéo dài mà không có lý do chính đáng.",
    "Những khó khăn, vướng mắc vượt thẩm quyền sẽ được tổng hợp, kiến nghị các bộ, ngành trung ương xem xét.",
    "Không ít người dân {l} cho rằng cách làm lần này thiết thực, sát với nhu cầu của bà con hơn trước.",
    "Các thông tin liên quan sẽ tiếp tục được cập nhật trên cổng thông tin điện tử của địa phương.",
];

/// Second sentences that pad a short sapo out to two.
pub(crate) const SAPO_TAILS: &[&str] = &[
    "Đây là một trong những nhiệm vụ trọng tâm mà {pk} đặt ra trong năm {y}.",
    "Hoạt động nhận được sự quan tâm, hưởng ứng của đông đảo người dân địa phương.",
    "Tham dự có đại diện lãnh đạo các sở, ngành và chính quyền {l}.",
    "Kết quả này góp phần tạo động lực phát triển kinh tế - xã hội của địa phương.",
    "Địa phương cam kết tiếp tục đồng hành, tạo điều kiện thuận lợi nhất cho người dân.",
    "Đây được xem là bước đi cụ thể hóa chủ trương của {pk} trong giai đoạn mới.",
];

/// Captions that fit any event, mixed in now and then with the topic's own.
pub(crate) const GENERIC_CAPTIONS: &[&str] = &[
    "Quang cảnh buổi làm việc",
    "Các đại biểu tham dự hội nghị",
    "Lãnh đạo {pk} phát biểu tại sự kiện",
    "Các đại biểu chụp ảnh lưu niệm",
    "Người dân {l} theo dõi sự kiện",
];

/// How a paragraph leads into a link: (text before, text after).
pub(crate) const LINK_FRAMES: &[(&str, &str)] = &[
    ("Thông tin chi tiết được đăng tải trên ", "."),
    ("Người dân có thể tra cứu thêm thông tin tại ", "."),
    ("Theo số liệu công bố trên ", ", xu hướng này dự kiến còn tiếp diễn trong thời gian tới."),
    ("Bạn đọc quan tâm có thể tham khảo văn bản gốc trên ", "."),
];

/// Characters of a YouTube video id.
pub(crate) const VIDEO_ID_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
