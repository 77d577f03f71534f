"""Invented example reports that let a new user click through intake, matching and the desk.

Every rumour, name, page and link here was made up for the demo; any likeness to a real
post is chance. Contact details use reserved example domains and an obviously fake phone
range, and invented websites live under example.com/.net/.org so no demo link can reach a
real site.

Several rumours arrive more than once, written the way people actually forward them: with
accents, without accents, in chat spelling, reworded, or as the same post behind different
tracking parameters. ``variant`` says which; ``COPY_VARIANTS`` are the spellings that fold to
exactly the text of the rumour's ``original`` (the matching engine must group those), while
rewordings and shared links show what the engine may or may not catch.
"""

from __future__ import annotations

from dataclasses import dataclass

# Variants whose folded text (accents removed, chat spelling expanded) equals the original's.
COPY_VARIANTS = frozenset({"unaccented", "chat"})
VARIANTS = COPY_VARIANTS | {"original", "reworded", "link_only", "standalone"}


@dataclass(frozen=True)
class DemoContact:
    name: str = ""
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class DemoReport:
    """One report as a reporter would send it, plus when it arrived (hours before loading)."""

    key: str  # stable name: the report's tracking code is derived from it
    rumour: str  # reports of one rumour share this; a standalone report has its own
    variant: str
    hours_ago: float
    channel: str
    text: str
    urls: tuple[str, ...] = ()
    platform: str = ""
    topic: str = ""
    province: str = ""  # a code, a current name or a former (pre-2025) province name
    language: str = "vi"
    contact: DemoContact | None = None


DEMO_REPORTS: tuple[DemoReport, ...] = (
    # --- Health: guava-leaf water "cures" type 2 diabetes ------------------------------------
    DemoReport(
        "la-oi-1", "la-oi-tieu-duong", "original", 300, "web",
        "Đun sôi một nắm lá ổi non, uống ba lần mỗi ngày là khỏi hẳn tiểu đường tuýp 2 sau "
        "mười ngày, không cần dùng thuốc của bác sĩ nữa. Chia sẻ cho người thân ngay!",
        ("https://www.facebook.com/groups/suckhoevang.demo/posts/4102938475610001/"
         "?fbclid=IwAR0demoLaOi1",),
        "facebook", "health", "ha-noi",
    ),
    DemoReport(
        "la-oi-2", "la-oi-tieu-duong", "unaccented", 220, "web",
        "Dun soi mot nam la oi non, uong ba lan moi ngay la khoi han tieu duong tuyp 2 sau "
        "muoi ngay, khong can dung thuoc cua bac si nua. Chia se cho nguoi than ngay!",
        (), "zalo", "", "Nghệ An",
    ),
    DemoReport(
        "la-oi-3", "la-oi-tieu-duong", "chat", 120, "api",
        "Dun soi mot nam la oi non, uong ba lan moi ngay la khoi han tieu duong tuyp 2 sau "
        "muoi ngay, ko can dung thuoc cua bac si nua. Chia se cho ng than ngay!",
        ("https://www.facebook.com/groups/suckhoevang.demo/posts/4102938475610001/"
         "?utm_source=zalo&utm_medium=share&fbclid=IwAR0demoLaOi3",),
        "facebook", "health", "thanh-hoa",
    ),
    DemoReport(
        "la-oi-4", "la-oi-tieu-duong", "reworded", 20, "hotline",
        "Người gọi cho biết mẹ định bỏ thuốc tiểu đường vì đọc trên Facebook rằng nước lá ổi "
        "luộc uống hằng ngày sẽ chữa dứt bệnh trong khoảng mười ngày.",
        (), "facebook", "health", "Hà Giang",
        contact=DemoContact(name="Lê Thị Hoa", phone="0900 000 101"),
    ),
    # --- Health: a "miracle" joint capsule sold with a fake licence ---------------------------
    DemoReport(
        "cot-linh-dan-1", "cot-linh-dan", "original", 250, "web",
        "Thần dược Cốt Linh Đan được Bộ Y tế cấp phép, chữa khỏi gout và thoái hóa khớp chỉ "
        "sau 7 ngày, hôm nay giảm giá còn 390.000 đồng một hộp, đặt hàng ngay trong video.",
        ("https://www.tiktok.com/@bacsi.xuongkhop.demo/video/7390000000000000001"
         "?is_from_webapp=1&sender_device=pc",),
        "tiktok", "health", "ho-chi-minh",
    ),
    DemoReport(
        "cot-linh-dan-2", "cot-linh-dan", "reworded", 62, "email",
        "Một kênh TikTok dùng hình người mặc áo blouse trắng tự xưng bác sĩ để quảng cáo viên "
        "Cốt Linh Đan, nói thuốc trị dứt điểm gout trong một tuần và có giấy phép của Bộ Y tế. "
        "Bố tôi đã đặt mua hai hộp, nhờ trung tâm kiểm tra giúp.",
        ("https://www.tiktok.com/@bacsi.xuongkhop.demo/video/7390000000000000001"
         "?utm_source=copy&utm_campaign=client_share",),
        "tiktok", "health", "ho-chi-minh",
        contact=DemoContact(name="Phạm Minh Tuấn", email="tuan.pham.demo@example.com"),
    ),
    DemoReport(
        "cot-linh-dan-3", "cot-linh-dan", "unaccented", 34, "web",
        "Than duoc Cot Linh Dan duoc Bo Y te cap phep, chua khoi gout va thoai hoa khop chi "
        "sau 7 ngay, hom nay giam gia con 390.000 dong mot hop, dat hang ngay trong video.",
        (), "zalo", "health", "",
    ),
    # --- Health: vaccine scare ---------------------------------------------------------------
    DemoReport(
        "vac-xin-soi-1", "vac-xin-soi", "original", 170, "web",
        "KHẨN: lô vắc xin sởi tiêm đợt này bị lỗi, đã có 5 cháu tử vong sau khi tiêm ở trạm y "
        "tế xã. Phụ huynh tuyệt đối không cho con đi tiêm, ai có con nhỏ thì chia sẻ gấp.",
        ("https://www.facebook.com/me.va.be.demo/posts/pfbid02demoVacXinSoi?fbclid=IwAR0demoSoi1",),
        "facebook", "health", "gia-lai",
    ),
    DemoReport(
        "vac-xin-soi-2", "vac-xin-soi", "unaccented", 150, "web",
        "KHAN: lo vac xin soi tiem dot nay bi loi, da co 5 chau tu vong sau khi tiem o tram y "
        "te xa. Phu huynh tuyet doi khong cho con di tiem, ai co con nho thi chia se gap.",
        (), "zalo", "", "dak-lak",
    ),
    DemoReport(
        "vac-xin-soi-3", "vac-xin-soi", "reworded", 40, "api",
        "Nhóm phụ huynh trên Facebook truyền nhau tin vắc xin sởi bị hỏng làm chết năm trẻ, kêu "
        "gọi mọi người bỏ lịch tiêm chủng. Đề nghị xác minh trước khi tin lan rộng.",
        ("https://www.facebook.com/me.va.be.demo/posts/pfbid02demoVacXinSoi"
         "?mibextid=demoShare&utm_source=fb",),
        "facebook", "health", "gia-lai",
    ),
    # --- Policy: a forged school-closure letter ----------------------------------------------
    DemoReport(
        "nghi-hoc-1", "cong-van-nghi-hoc", "original", 60, "email",
        "Ảnh chụp công văn số 1587/SGDĐT-CTHSSV của Sở Giáo dục và Đào tạo Hà Nội: học sinh "
        "toàn thành phố nghỉ học hai tuần từ thứ Hai tới để phòng dịch cúm A, các trường "
        "chuyển sang học trực tuyến.",
        ("https://www.facebook.com/groups/phuhuynh.lop5.demo/posts/7788990011223344/",),
        "facebook", "policy_law", "ha-noi",
        contact=DemoContact(email="phuhuynh.lop5a@example.com"),
    ),
    DemoReport(
        "nghi-hoc-2", "cong-van-nghi-hoc", "unaccented", 30, "web",
        "Anh chup cong van so 1587/SGDDT-CTHSSV cua So Giao duc va Dao tao Ha Noi: hoc sinh "
        "toan thanh pho nghi hoc hai tuan tu thu Hai toi de phong dich cum A, cac truong "
        "chuyen sang hoc truc tuyen.",
        ("https://zalo.me/g/phuhuynh.demo.5a",), "zalo", "policy_law", "ha-noi",
    ),
    DemoReport(
        "nghi-hoc-3", "cong-van-nghi-hoc", "reworded", 8, "web",
        "Mn ơi có phải Hà Nội cho hs nghỉ 2 tuần vì cúm A ko, thấy cái công văn sở giáo dục "
        "đăng trong nhóm phụ huynh mà trường chưa báo gì",
        ("https://www.facebook.com/groups/phuhuynh.lop5.demo/posts/7788990011223344/"
         "?fbclid=IwAR0demoNghiHoc3",),
        "facebook", "", "TP. Hà Nội",
    ),
    # --- Policy: a forged provincial land-recovery decision -----------------------------------
    DemoReport(
        "thu-hoi-dat-1", "thu-hoi-dat", "original", 200, "web",
        "Trang \"Tin nóng địa phương\" đăng quyết định mang dấu UBND tỉnh về việc thu hồi toàn "
        "bộ đất nông nghiệp của ba xã để làm khu công nghiệp, yêu cầu dân nộp sổ đỏ trước ngày "
        "30 tháng này nếu không sẽ mất quyền bồi thường. Con dấu và chữ ký nhìn rất lạ.",
        ("https://www.facebook.com/tinnongdiaphuong.demo/posts/pfbid0demoThuHoiDat"
         "?fbclid=IwAR0demoDat1",),
        "facebook", "policy_law", "Bình Dương",
    ),
    DemoReport(
        "thu-hoi-dat-2", "thu-hoi-dat", "reworded", 180, "api",
        "Quyết định thu hồi đất nông nghiệp làm khu công nghiệp lan truyền trên mạng, người dân "
        "hoang mang vì bị đòi nộp sổ đỏ gấp.",
        ("https://www.facebook.com/tinnongdiaphuong.demo/posts/pfbid0demoThuHoiDat"
         "?utm_source=messenger&utm_medium=social",),
        "facebook", "policy_law", "ho-chi-minh",
    ),
    # --- Scam link: fake bank SMS asking for biometric "verification" -------------------------
    DemoReport(
        "sms-ngan-hang-1", "sms-ngan-hang", "original", 118, "web",
        "Tin nhắn từ đầu số SVBank: Tài khoản của quý khách sẽ bị tạm khóa sau 24 giờ do chưa "
        "cập nhật sinh trắc học. Vui lòng xác thực tại https://svbank-xacthuc.example.net/"
        "sinh-trac-hoc để tránh gián đoạn giao dịch.",
        ("https://svbank-xacthuc.example.net/sinh-trac-hoc",),
        "other", "scam_link", "da-nang",
    ),
    DemoReport(
        "sms-ngan-hang-2", "sms-ngan-hang", "unaccented", 96, "api",
        "Tin nhan tu dau so SVBank: Tai khoan cua quy khach se bi tam khoa sau 24 gio do chua "
        "cap nhat sinh trac hoc. Vui long xac thuc tai https://svbank-xacthuc.example.net/"
        "sinh-trac-hoc de tranh gian doan giao dich.",
        ("https://svbank-xacthuc.example.net/sinh-trac-hoc",),
        "other", "scam_link", "tp hcm",
    ),
    DemoReport(
        "sms-ngan-hang-3", "sms-ngan-hang", "reworded", 31, "hotline",
        "Cụ ông 70 tuổi gọi đến: nhận tin nhắn báo tài khoản SVBank bị khóa vì chưa làm sinh "
        "trắc học, đã bấm vào đường link, nhập mã OTP và sau đó mất 18 triệu đồng.",
        (), "other", "scam_link", "hai-phong",
        contact=DemoContact(name="Nguyễn Văn Bảy", phone="0900000102"),
    ),
    # --- Scam link: fake electricity-bill refund ---------------------------------------------
    DemoReport(
        "hoan-tien-dien-1", "hoan-tien-dien", "original", 70, "web",
        "Điện lực thông báo: do sai sót trong kỳ ghi chỉ số, quý khách được hoàn lại 450.000 "
        "đồng tiền điện tháng trước. Bấm vào đường dẫn và nhập số tài khoản ngân hàng để nhận "
        "tiền trong ngày.",
        ("https://hoantien-dienluc.example.org/nhan-tien?ma=KH0912",),
        "zalo", "scam_link", "can-tho",
    ),
    DemoReport(
        "hoan-tien-dien-2", "hoan-tien-dien", "chat", 44, "web",
        "Dien luc thong bao: do sai sot trong ky ghi chi so, quy khach dc hoan lai 450.000 "
        "dong tien dien thang truoc. Bam vao duong dan va nhap so tai khoan ngan hang de nhan "
        "tien trong ngay.",
        ("https://hoantien-dienluc.example.org/nhan-tien?ma=KH0913&utm_source=zalo",),
        "zalo", "scam_link", "vinh-long",
    ),
    # --- Disaster: a dam "about to break" ----------------------------------------------------
    DemoReport(
        "vo-dap-1", "vo-dap-khe-may", "original", 28, "web",
        "Khẩn cấp: đập thủy điện Khe Mây đã nứt một đoạn dài, có thể vỡ trong đêm nay. Bà con "
        "các xã vùng hạ du thu dọn đồ đạc, sơ tán lên chỗ cao ngay, không chờ thông báo của "
        "chính quyền.",
        ("https://www.facebook.com/canhbao.thientai.demo/posts/pfbid0demoKheMay"
         "?fbclid=IwAR0demoDap1",),
        "facebook", "disaster_epidemic", "Quảng Nam",
    ),
    DemoReport(
        "vo-dap-2", "vo-dap-khe-may", "unaccented", 22, "api",
        "Khan cap: dap thuy dien Khe May da nut mot doan dai, co the vo trong dem nay. Ba con "
        "cac xa vung ha du thu don do dac, so tan len cho cao ngay, khong cho thong bao cua "
        "chinh quyen.",
        ("https://www.facebook.com/canhbao.thientai.demo/posts/pfbid0demoKheMay"
         "?fbclid=IwAR0demoDap2&utm_source=zalo",),
        "facebook", "disaster_epidemic", "da-nang",
    ),
    DemoReport(
        "vo-dap-3", "vo-dap-khe-may", "chat", 9, "web",
        "khan cap: dap thuy dien Khe May da nut mot doan dai, co the vo trong dem nay. ba con "
        "cac xa vung ha du thu don do dac, so tan len cho cao ngay, ko cho thong bao cua "
        "chinh quyen",
        (), "zalo", "disaster_epidemic", "da-nang",
    ),
    DemoReport(
        "vo-dap-4", "vo-dap-khe-may", "reworded", 3, "hotline",
        "Nhiều người ở vùng hạ du gọi hỏi vì trên mạng nói đập thủy điện Khe Mây bị nứt và sắp "
        "vỡ, kêu gọi tự sơ tán trong đêm. Người gọi muốn biết có lệnh sơ tán thật hay không.",
        (), "", "disaster_epidemic", "da-nang",
        contact=DemoContact(phone="0900 000 103"),
    ),
    # --- Fake account: a singer's impersonated fanpage collecting "donations" -----------------
    DemoReport(
        "fanpage-ca-si-1", "fanpage-ca-si", "original", 80, "web",
        "Trang mạo danh ca sĩ Minh Khuê đăng bài kêu gọi ủng hộ đồng bào vùng lũ, yêu cầu "
        "chuyển khoản vào tài khoản cá nhân đứng tên người khác. Trang chính thức của ca sĩ "
        "không hề có bài này.",
        ("https://www.facebook.com/MinhKhue.Official.TuThien.demo/posts/pfbid0demoCaSi"
         "?fbclid=IwAR0demoCaSi1",),
        "facebook", "fake_account", "ho-chi-minh",
    ),
    DemoReport(
        "fanpage-ca-si-2", "fanpage-ca-si", "reworded", 50, "web",
        "Fb Minh Khuê tích xanh giả kêu gọi chuyển tiền từ thiện vào stk cá nhân, mn cẩn thận "
        "đừng chuyển nha",
        ("https://www.facebook.com/MinhKhue.Official.TuThien.demo/posts/pfbid0demoCaSi"
         "?mibextid=demoCaSi2",),
        "facebook", "fake_account", "",
    ),
    DemoReport(
        "fanpage-ca-si-3", "fanpage-ca-si", "unaccented", 15, "api",
        "Trang mao danh ca si Minh Khue dang bai keu goi ung ho dong bao vung lu, yeu cau "
        "chuyen khoan vao tai khoan ca nhan dung ten nguoi khac. Trang chinh thuc cua ca si "
        "khong he co bai nay.",
        (), "facebook", "fake_account", "ha-noi",
    ),
    # --- Economy: a bank "about to collapse" --------------------------------------------------
    DemoReport(
        "pha-san-1", "ngan-hang-pha-san", "original", 48, "web",
        "Nguồn tin nội bộ: Ngân hàng Đông Phong mất thanh khoản, sẽ bị đóng cửa vào thứ Sáu "
        "tuần này. Ai có tiền gửi ở đây rút hết ra ngay hôm nay, ngày mai các phòng giao dịch "
        "sẽ không cho rút nữa.",
        ("https://www.facebook.com/groups/taichinh.24h.demo/posts/5566778899001122/",),
        "facebook", "economy_finance", "ho-chi-minh",
    ),
    DemoReport(
        "pha-san-2", "ngan-hang-pha-san", "chat", 26, "web",
        "Nguon tin noi bo: Ngan hang Dong Phong mat thanh khoan, se bi dong cua vao thu Sau "
        "tuan nay. Ai co tien gui o day rut het ra ngay hom nay, ngay mai cac phong giao dich "
        "se ko cho rut nua.",
        (), "zalo", "economy_finance", "dong-nai",
    ),
    DemoReport(
        "pha-san-3", "ngan-hang-pha-san", "reworded", 12, "email",
        "Đề nghị kiểm tra tin đồn Đông Phong Bank sắp phá sản đang lan trên các nhóm Zalo. Sáng "
        "nay nhiều người xếp hàng rút tiền ở chi nhánh gần nhà tôi.",
        (), "zalo", "economy_finance", "tay-ninh",
        contact=DemoContact(name="Trần Thu Hà", email="thuha.tran@example.org",
                            phone="0900000104"),
    ),
    DemoReport(
        "pha-san-4", "ngan-hang-pha-san", "link_only", 5, "api",
        "",
        ("https://www.youtube.com/watch?v=demoDPBank01&utm_source=share",),
        "youtube", "", "",
    ),
    # --- Security and order: kidnapping warning ----------------------------------------------
    DemoReport(
        "bat-coc-1", "bat-coc-keo-keo", "original", 140, "web",
        "Cảnh báo: có nhóm người đi xe bán kẹo kéo đứng trước cổng trường tiểu học dụ trẻ em "
        "lên xe rồi bắt cóc, tuần này đã mất ba cháu. Phụ huynh đón con đúng giờ, chia sẻ để "
        "mọi người cùng biết.",
        ("https://www.facebook.com/khudothi.xanh.demo/posts/pfbid0demoBatCoc",),
        "facebook", "security_order", "Thanh Hóa",
    ),
    DemoReport(
        "bat-coc-2", "bat-coc-keo-keo", "chat", 130, "web",
        "Canh bao: co nhom nguoi di xe ban keo keo dung truoc cong truong tieu hoc du tre em "
        "len xe roi bat coc, tuan nay da mat ba chau. Phu huynh don con dung gio, chia se de "
        "moi ng cung bik.",
        (), "zalo", "", "thanh-hoa",
    ),
    # --- Reports that stand alone -------------------------------------------------------------
    DemoReport(
        "dong-dat", "du-bao-dong-dat", "standalone", 230, "web",
        "Bài đăng nói Viện Vật lý Địa cầu dự báo sẽ có động đất mạnh 7,2 độ richter ở Kon Tum "
        "vào đúng 3 giờ sáng ngày 20 tháng này, khuyên người dân ngủ ngoài trời.",
        ("https://www.facebook.com/tintuc.taynguyen.demo/posts/pfbid0demoDongDat",),
        "facebook", "disaster_epidemic", "Kon Tum",
    ),
    DemoReport(
        "sieu-bao", "sieu-bao-cap-17", "standalone", 160, "api",
        "Video nói siêu bão cấp 17 sẽ đổ bộ vào Quảng Ninh trong 48 giờ tới theo cảnh báo của "
        "một chuyên gia khí tượng nước ngoài, trong khi cơ quan dự báo trong nước chưa phát bản "
        "tin nào.",
        ("https://www.youtube.com/watch?v=demoSieuBao17",),
        "youtube", "disaster_epidemic", "quang-ninh",
    ),
    DemoReport(
        "doi-tien", "doi-tien-moi", "standalone", 75, "web",
        "TikTok lan truyền tin từ ngày 1 tháng 1 năm sau Nhà nước đổi tiền mới, tờ 500.000 "
        "đồng đang dùng sẽ hết giá trị, khuyên mọi người mua vàng tích trữ ngay.",
        ("https://www.tiktok.com/@taichinh.nhanh.demo/video/7390000000000000042",),
        "tiktok", "economy_finance", "",
    ),
    DemoReport(
        "phat-can-cuoc", "phat-can-cuoc", "standalone", 310, "email",
        "Có bài viết nói từ tháng sau ra đường không mang căn cước sẽ bị phạt 5 triệu đồng và "
        "tạm giữ xe, dẫn số hiệu một nghị định mà tôi không tìm thấy trên cổng văn bản pháp "
        "luật.",
        ("https://tinphapluat24h.example.com/phat-5-trieu-khong-mang-can-cuoc",),
        "website", "policy_law", "hung-yen",
        contact=DemoContact(email="minhchau.le@example.net"),
    ),
    DemoReport(
        "chot-don", "ctv-chot-don", "standalone", 110, "web",
        "Tuyển cộng tác viên chốt đơn online tại nhà, mỗi đơn hoa hồng 30%, chỉ cần nạp trước "
        "tiền hàng để kích hoạt tài khoản. Tôi đã nạp 3 triệu đồng thì bị chặn liên lạc.",
        ("https://zalo.me/g/ctvchotdon.demo",),
        "zalo", "scam_link", "Bắc Ninh",
    ),
    DemoReport(
        "dinh-danh-gia", "zalo-gia-cong-an", "standalone", 36, "web",
        "Tài khoản Zalo tên \"Công an tỉnh - Hỗ trợ định danh\" nhắn tin yêu cầu cài ứng dụng "
        "qua đường link để nâng cấp định danh điện tử mức 2, nếu không sẽ bị khóa căn cước.",
        ("https://zalo.me/4000000000000000001",
         "https://dinhdanh-hotro.example.com/tai-ung-dung"),
        "zalo", "fake_account", "dong-nai",
    ),
    DemoReport(
        "khau-trang", "khau-trang-thuoc-me", "standalone", 260, "hotline",
        "Người gọi nghe hàng xóm kể có người lạ đi phát khẩu trang miễn phí tẩm thuốc mê ở chợ "
        "để cướp tài sản, muốn biết tin này có thật không.",
        (), "", "", "Hải Dương",
    ),
    DemoReport(
        "clip-lu-cu", "clip-lu-quet-cu", "standalone", 18, "api",
        "Clip lũ quét cuốn trôi cả dãy nhà được giới thiệu là xảy ra ở Lào Cai sáng nay, nhưng "
        "khung cảnh giống một trận lũ ở nước ngoài từ mấy năm trước.",
        ("https://www.youtube.com/watch?v=demoLuQuet99",),
        "youtube", "disaster_epidemic", "lao-cai",
    ),
    DemoReport(
        "visa-sms", "tin-nhan-xuat-nhap-canh", "standalone", 66, "email",
        "I received a text message claiming to be from the immigration office: my residence "
        "card has expired and I must pay a fine of 2,000,000 VND through a link today or be "
        "deported.",
        ("https://xuatnhapcanh-nopphat.example.com/pay",),
        "other", "scam_link", "da-nang", language="en",
        contact=DemoContact(name="Daniel Demo", email="daniel.demo@example.com"),
    ),
)
