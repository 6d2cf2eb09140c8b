//! The fixed taxonomy every seeded database shares: sections, tags and authors.

use bantin_domain::{NewAuthor, NewTag, Slug, slugify};

use crate::{topics::TOPICS, vocab::PLACES};

/// Fixed taxonomy every seeded database shares.
#[derive(Debug, Clone)]
pub struct Taxonomy {
    pub categories: Vec<CategorySpec>,
    /// The 63 provinces and cities first (in a fixed order), then topic tags.
    pub tags: Vec<NewTag>,
    pub authors: Vec<NewAuthor>,
}

/// A category with its parent named by index into `categories` (parents come before children).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategorySpec {
    pub slug: Slug,
    pub name: String,
    pub description: Option<String>,
    pub parent: Option<usize>,
}

/// The shared taxonomy. Cheap enough to call whenever needed; always returns the same value.
pub fn taxonomy() -> Taxonomy {
    let categories = CATEGORIES
        .iter()
        .map(|c| CategorySpec {
            slug: slugify(c.name, "chuyen-muc"),
            name: c.name.to_owned(),
            description: Some(c.description.to_owned()),
            parent: c.parent,
        })
        .collect();
    let tags = tag_names().map(|name| NewTag { slug: slugify(name, "the"), name: name.to_owned() }).collect();
    let authors = AUTHORS
        .iter()
        .map(|a| {
            let slug = slugify(a.name, "tac-gia");
            NewAuthor {
                avatar_url: Some(format!("https://i.pravatar.cc/150?u={slug}")),
                slug,
                name: a.name.to_owned(),
                bio: Some(a.bio.to_owned()),
            }
        })
        .collect();
    Taxonomy { categories, tags, authors }
}

/// Tag names in tag-index order: places, then each topic's tags.
pub(crate) fn tag_names() -> impl Iterator<Item = &'static str> {
    PLACES.iter().map(|p| p.name).chain(TOPICS.iter().flat_map(|t| t.tags.iter().copied()))
}

/// Index of topic `topic`'s first tag among all tags; its other tags follow it.
pub(crate) const fn first_tag_of_topic(topic: usize) -> usize {
    let mut index = PLACES.len();
    let mut t = 0;
    while t < topic {
        index += TOPICS[t].tags.len();
        t += 1;
    }
    index
}

pub(crate) struct CategoryDef {
    pub(crate) name: &'static str,
    pub(crate) description: &'static str,
    pub(crate) parent: Option<usize>,
}

/// Category indexes, named so that topics and authors can refer to them.
pub(crate) mod cat {
    pub(crate) const THOI_SU: usize = 0;
    pub(crate) const KINH_TE: usize = 1;
    pub(crate) const VAN_HOA: usize = 2;
    pub(crate) const THE_THAO: usize = 3;
    pub(crate) const DU_LICH: usize = 4;
    pub(crate) const GIAO_DUC: usize = 5;
    pub(crate) const SUC_KHOE: usize = 6;
    pub(crate) const PHAP_LUAT: usize = 7;
    pub(crate) const KHOA_HOC_CONG_NGHE: usize = 8;
    pub(crate) const THE_GIOI: usize = 9;
    pub(crate) const DOI_SONG: usize = 10;
    pub(crate) const NONG_NGHIEP: usize = 11;
    pub(crate) const GIAO_THONG: usize = 12;
    pub(crate) const BONG_DA: usize = 13;
    pub(crate) const AM_THUC: usize = 14;
    pub(crate) const CHONG_HANG_GIA: usize = 15;
    pub(crate) const DOANH_NGHIEP: usize = 16;
    pub(crate) const MOI_TRUONG: usize = 17;
}

const fn category(name: &'static str, description: &'static str, parent: Option<usize>) -> CategoryDef {
    CategoryDef { name, description, parent }
}

/// In `cat` index order; parents before children.
pub(crate) const CATEGORIES: &[CategoryDef] = &[
    category(
        "Thời sự",
        "Tin tức trong nước, hoạt động của chính quyền các địa phương, thiên tai và những vấn đề nóng.",
        None,
    ),
    category("Kinh tế", "Đầu tư, doanh nghiệp, thị trường và xuất nhập khẩu.", None),
    category("Văn hóa", "Di sản, lễ hội, nghệ thuật và đời sống tinh thần.", None),
    category("Thể thao", "Giải đấu, vận động viên và phong trào thể dục thể thao.", None),
    category("Du lịch", "Điểm đến, trải nghiệm và xu hướng du lịch.", None),
    category("Giáo dục", "Trường lớp, tuyển sinh, thi cử và chuyện nghề giáo.", None),
    category("Sức khỏe", "Y tế, phòng bệnh và an toàn thực phẩm.", None),
    category("Pháp luật", "An ninh trật tự, phiên tòa và kiến thức pháp luật.", None),
    category("Khoa học - Công nghệ", "Chuyển đổi số, đổi mới sáng tạo và ứng dụng công nghệ.", None),
    category("Thế giới", "Hợp tác quốc tế và hoạt động đối ngoại của các địa phương.", None),
    category("Đời sống", "An sinh xã hội, nhà ở và những câu chuyện thường ngày.", None),
    category("Nông nghiệp", "Sản xuất, thị trường nông sản và xây dựng nông thôn mới.", None),
    category("Giao thông", "Hạ tầng, dự án giao thông và an toàn giao thông.", Some(cat::THOI_SU)),
    category("Bóng đá", "Bóng đá phong trào, bóng đá trẻ và các giải đấu địa phương.", Some(cat::THE_THAO)),
    category("Ẩm thực", "Món ngon, đặc sản và văn hóa ẩm thực các vùng miền.", Some(cat::DU_LICH)),
    category(
        "Chống hàng giả",
        "Đấu tranh chống hàng giả, hàng nhái và gian lận thương mại.",
        Some(cat::PHAP_LUAT),
    ),
    category("Doanh nghiệp", "Thương hiệu, sở hữu trí tuệ và câu chuyện doanh nghiệp.", Some(cat::KINH_TE)),
    category("Môi trường", "Ô nhiễm, rác thải, biến đổi khí hậu và bảo vệ môi trường.", Some(cat::DOI_SONG)),
];

pub(crate) struct AuthorDef {
    pub(crate) name: &'static str,
    /// The section the author mostly writes for; bylines follow it.
    pub(crate) desk: usize,
    pub(crate) bio: &'static str,
}

const fn author(name: &'static str, desk: usize, bio: &'static str) -> AuthorDef {
    AuthorDef { name, desk, bio }
}

pub(crate) const AUTHORS: &[AuthorDef] = &[
    author(
        "Nguyễn Thị Minh Anh",
        cat::DU_LICH,
        "Phóng viên mảng du lịch, thích những cung đường ít người biết ở vùng núi phía Bắc.",
    ),
    author(
        "Trần Đức Bá",
        cat::THOI_SU,
        "Biên tập viên ban Thời sự, hơn mười lăm năm theo dõi hoạt động của chính quyền địa phương.",
    ),
    author(
        "Lê Hoàng Nam",
        cat::GIAO_THONG,
        "Phóng viên chuyên theo dõi các dự án hạ tầng giao thông và đầu tư công.",
    ),
    author(
        "Phạm Thu Hà",
        cat::SUC_KHOE,
        "Phóng viên mảng y tế, quan tâm đến y tế cơ sở và sức khỏe cộng đồng.",
    ),
    author(
        "Hoàng Văn Dũng",
        cat::PHAP_LUAT,
        "Phóng viên pháp luật, nhiều năm tác nghiệp tại các phiên tòa lớn.",
    ),
    author("Vũ Ngọc Lan", cat::VAN_HOA, "Viết về di sản, lễ hội và những người giữ nghề truyền thống."),
    author(
        "Đặng Quốc Huy",
        cat::THE_THAO,
        "Phóng viên thể thao, theo dõi các giải đấu phong trào và thể thao học đường.",
    ),
    author(
        "Bùi Thị Thanh Hương",
        cat::GIAO_DUC,
        "Phóng viên giáo dục, từng là giáo viên dạy văn trước khi làm báo.",
    ),
    author(
        "Đỗ Minh Tuấn",
        cat::KINH_TE,
        "Phóng viên kinh tế, theo dõi thu hút đầu tư và hoạt động của các khu công nghiệp.",
    ),
    author(
        "Ngô Thị Kim Oanh",
        cat::AM_THUC,
        "Yêu bếp, viết về ẩm thực vùng miền và những món ăn đang dần mai một.",
    ),
    author(
        "Phan Đình Lộc",
        cat::NONG_NGHIEP,
        "Phóng viên nông nghiệp, gắn bó với nông dân các tỉnh đồng bằng và trung du.",
    ),
    author(
        "Huỳnh Thị Mỹ Duyên",
        cat::DOI_SONG,
        "Viết về đời sống, an sinh xã hội và những câu chuyện nhân ái.",
    ),
    author(
        "Dương Văn Thắng",
        cat::BONG_DA,
        "Phóng viên bóng đá, đặc biệt quan tâm đến công tác đào tạo cầu thủ trẻ.",
    ),
    author(
        "Lý Thu Trang",
        cat::THE_GIOI,
        "Biên tập viên quốc tế, theo dõi hoạt động đối ngoại của các địa phương.",
    ),
    author(
        "Trịnh Xuân Trường",
        cat::KHOA_HOC_CONG_NGHE,
        "Phóng viên công nghệ, viết về chuyển đổi số và chính quyền điện tử.",
    ),
    author(
        "Mai Thị Phương Thảo",
        cat::CHONG_HANG_GIA,
        "Phóng viên điều tra, chuyên đề chống hàng giả, hàng nhái và gian lận thương mại.",
    ),
    author(
        "Hồ Ngọc Sơn",
        cat::MOI_TRUONG,
        "Phóng viên môi trường, theo dõi các điểm nóng ô nhiễm và biến đổi khí hậu.",
    ),
    author("Cao Thị Yến", cat::DOANH_NGHIEP, "Viết về doanh nghiệp, thương hiệu và sở hữu trí tuệ."),
    author(
        "Tạ Quang Vinh",
        cat::KHOA_HOC_CONG_NGHE,
        "Kỹ sư phần mềm chuyển sang làm báo, theo dõi khởi nghiệp công nghệ.",
    ),
    author("Lương Thị Hồng Nhung", cat::SUC_KHOE, "Bác sĩ nội khoa, cộng tác viên chuyên mục Sức khỏe."),
    author("Đinh Công Lực", cat::THE_THAO, "Phóng viên thể thao, từng là vận động viên điền kinh."),
    author(
        "Võ Thị Ngọc Trâm",
        cat::DU_LICH,
        "Phóng viên du lịch tại miền Trung, mê biển và những làng chài.",
    ),
    author(
        "Kiều Minh Đức",
        cat::KINH_TE,
        "Biên tập viên kinh tế, theo dõi thị trường và chính sách tài khóa.",
    ),
    author(
        "Nông Văn Chiến",
        cat::NONG_NGHIEP,
        "Phóng viên thường trú khu vực miền núi phía Bắc, viết về nông nghiệp và nông thôn mới.",
    ),
    author(
        "Lâm Thị Diệu Linh",
        cat::GIAO_DUC,
        "Phóng viên giáo dục, quan tâm đến trường lớp ở vùng sâu, vùng xa.",
    ),
    author(
        "Quách Tuấn Kiệt",
        cat::PHAP_LUAT,
        "Phóng viên pháp luật, theo dõi các vụ án kinh tế và tội phạm công nghệ cao.",
    ),
    author("Tô Hải Yến", cat::THE_GIOI, "Biên tập viên quốc tế, từng thường trú tại Viêng Chăn."),
    author("Chu Đức Thịnh", cat::THOI_SU, "Phóng viên thời sự, có mặt ở nhiều điểm nóng thiên tai, bão lũ."),
    author("Hà Thị Bích Ngọc", cat::VAN_HOA, "Viết về văn hóa, nghệ thuật và các di tích lịch sử."),
    author("Lã Văn Bình", cat::DOI_SONG, "Phóng viên đời sống, theo dõi chính sách nhà ở và giảm nghèo."),
];

/// Whether `author` covers `category`, directly or as the writer for its parent section.
pub(crate) fn covers(author: &AuthorDef, category: usize) -> bool {
    author.desk == category || CATEGORIES.get(category).and_then(|c| c.parent) == Some(author.desk)
}
