"""Invented example verdicts on some of the demo rumours (intake.demo_reports), for `make demo`.

Every text, name, document number and link here was made up for the demo; sources point at
reserved example domains. Each verdict concludes the claim that the rumour's original demo
report opened, so a demo tracking code leads from the status page to a verdict. A few
rumours stay under verification, so the home page shows work in progress too.
Development only: `load_demo_verdicts` refuses to run with DEBUG off.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from verification.models import Claim, ClaimState, Verdict

REFUSAL = "Demo verdicts are only written with DEBUG on (TINGIA_DEBUG=1)."


class DemoRefused(Exception):
    pass


@dataclass(frozen=True)
class DemoVerdict:
    report_key: str  # the demo report whose claim this verdict concludes
    label: str
    hours_to_verdict: float  # after the claim's first report
    title: str
    claim_reviewed: str
    explanation: str
    sources: tuple[tuple[str, str], ...]
    correction: str = ""  # a public correction note, to show a revision history


F, D, T = Verdict.Label.FABRICATED, Verdict.Label.DISTORTED, Verdict.Label.TRUE

DEMO_VERDICTS: tuple[DemoVerdict, ...] = (
    DemoVerdict(
        "la-oi-1",
        F,
        70,
        "Nước lá ổi không chữa khỏi tiểu đường tuýp 2 trong mười ngày",
        "Uống nước lá ổi non đun sôi ba lần mỗi ngày sẽ khỏi hẳn tiểu đường tuýp 2 sau mười ngày, "
        "không cần dùng thuốc.",
        "Không có nghiên cứu nào cho thấy nước lá ổi chữa khỏi tiểu đường. Tiểu đường tuýp 2 là bệnh "
        "mạn tính, cần điều trị lâu dài theo chỉ định của bác sĩ.\n\n"
        "Các bác sĩ nội tiết mà chúng tôi hỏi ý kiến cảnh báo: tự ý bỏ thuốc để uống nước lá cây có thể "
        "làm đường huyết tăng vọt, dẫn tới biến chứng nguy hiểm. Người bệnh muốn dùng thêm thảo dược "
        "nên hỏi bác sĩ điều trị trước.\n\n"
        "Bài đăng gốc không dẫn nguồn nào và kêu gọi chia sẻ gấp, một dấu hiệu thường gặp của tin giả "
        "về sức khỏe.",
        (("Hướng dẫn điều trị đái tháo đường (ví dụ)", "https://example.org/y-te/huong-dan-dai-thao-duong"),),
        correction="Bổ sung lời khuyên cho người bệnh đang dùng thảo dược.",
    ),
    DemoVerdict(
        "cot-linh-dan-1",
        F,
        90,
        "“Thần dược” Cốt Linh Đan không được cấp phép chữa gout",
        "Viên Cốt Linh Đan được Bộ Y tế cấp phép và chữa khỏi gout, thoái hóa khớp sau 7 ngày.",
        "Tra cứu cơ sở dữ liệu thuốc và thực phẩm chức năng không thấy sản phẩm nào tên Cốt Linh Đan "
        "được cấp số đăng ký. Số giấy phép in trên hộp trong video thuộc về một loại kem bôi da.\n\n"
        "Người mặc áo blouse trắng trong video không có tên trong danh sách người hành nghề khám chữa "
        "bệnh. Không thuốc nào chữa khỏi gout hay thoái hóa khớp trong một tuần.",
        (("Tra cứu số đăng ký sản phẩm (ví dụ)", "https://example.org/tra-cuu/so-dang-ky"),),
    ),
    DemoVerdict(
        "vac-xin-soi-1",
        F,
        20,
        "Không có trẻ tử vong vì lô vắc xin sởi bị lỗi",
        "Lô vắc xin sởi tiêm đợt này bị lỗi và đã làm 5 trẻ tử vong sau khi tiêm ở trạm y tế xã.",
        "Trung tâm Kiểm soát bệnh tật của tỉnh cho biết không ghi nhận ca tử vong nào sau tiêm vắc xin "
        "sởi trong đợt này. Lô vắc xin đã được kiểm định trước khi phân phối.\n\n"
        "Tin đồn khiến nhiều phụ huynh hoãn tiêm cho con. Sởi lây rất nhanh; trẻ chưa tiêm đủ hai mũi "
        "có nguy cơ mắc bệnh và biến chứng cao hơn nhiều so với rủi ro của vắc xin.",
        (("Thông báo của Trung tâm Kiểm soát bệnh tật (ví dụ)", "https://example.org/cdc/thong-bao-soi"),),
    ),
    DemoVerdict(
        "nghi-hoc-1",
        F,
        10,
        "Công văn cho học sinh Hà Nội nghỉ học hai tuần vì cúm A là giả",
        "Sở Giáo dục và Đào tạo Hà Nội ban hành công văn số 1587 cho học sinh toàn thành phố nghỉ học "
        "hai tuần để phòng cúm A.",
        "Sở Giáo dục và Đào tạo khẳng định không ban hành văn bản này. Số hiệu 1587 là của một công văn "
        "khác về an toàn giao thông, được ghép vào một mẫu văn bản cũ.\n\n"
        "Các trường vẫn học bình thường. Phụ huynh chỉ nên tin thông báo đăng trên trang chính thức của "
        "Sở hoặc do nhà trường gửi trực tiếp.",
        (("Trang thông tin của Sở Giáo dục và Đào tạo (ví dụ)", "https://example.org/so-gddt/thong-bao"),),
    ),
    DemoVerdict(
        "sms-ngan-hang-1",
        F,
        8,
        "Tin nhắn SVBank đòi cập nhật sinh trắc học qua đường link là lừa đảo",
        "SVBank nhắn tin yêu cầu khách hàng xác thực sinh trắc học tại đường link svbank-xacthuc trong "
        "24 giờ, nếu không tài khoản sẽ bị khóa.",
        "Ngân hàng không bao giờ gửi đường link yêu cầu cập nhật sinh trắc học. Việc cập nhật chỉ làm "
        "trong ứng dụng chính thức hoặc tại quầy giao dịch.\n\n"
        "Tên miền trong tin nhắn không thuộc ngân hàng; trang này lấy cắp tên đăng nhập, mật khẩu và mã "
        "OTP. Ai đã nhập thông tin cần gọi ngay tổng đài ngân hàng để khóa tài khoản.",
        (("Cảnh báo của ngân hàng (ví dụ)", "https://example.org/svbank/canh-bao-lua-dao"),),
    ),
    DemoVerdict(
        "hoan-tien-dien-1",
        F,
        12,
        "Không có chuyện điện lực hoàn 450.000 đồng qua đường link",
        "Điện lực hoàn lại 450.000 đồng tiền điện do ghi sai chỉ số, khách bấm đường link và nhập số tài "
        "khoản để nhận tiền.",
        "Công ty điện lực cho biết không có đợt hoàn tiền nào như vậy. Mọi khoản điều chỉnh hóa đơn được "
        "trừ vào kỳ sau, không bao giờ yêu cầu khách nhập số tài khoản ngân hàng qua đường link.\n\n"
        "Đây là chiêu lừa quen thuộc: trang giả mạo thu thông tin tài khoản rồi chiếm đoạt tiền.",
        (("Thông báo của công ty điện lực (ví dụ)", "https://example.org/dien-luc/canh-bao"),),
    ),
    DemoVerdict(
        "fanpage-ca-si-1",
        T,
        30,
        "Đúng: trang kêu gọi từ thiện mang tên ca sĩ Minh Khuê là trang giả mạo",
        "Trang Facebook kêu gọi chuyển tiền ủng hộ vùng lũ vào một tài khoản cá nhân không phải trang "
        "chính thức của ca sĩ Minh Khuê.",
        "Người quản lý của ca sĩ xác nhận với chúng tôi rằng ca sĩ không có đợt kêu gọi từ thiện nào qua "
        "tài khoản cá nhân. Trang này được lập gần đây và đổi tên nhiều lần.\n\n"
        "Cảnh báo mà người dân gửi tới là chính xác. Muốn ủng hộ đồng bào vùng lũ, hãy chuyển qua các tổ "
        "chức có tư cách pháp nhân và công khai sao kê.",
        (("Xác nhận của người quản lý (ví dụ)", "https://example.org/minh-khue/xac-nhan"),),
    ),
    DemoVerdict(
        "pha-san-1",
        F,
        16,
        "Tin Ngân hàng Đông Phong sắp đóng cửa là bịa đặt",
        "Ngân hàng Đông Phong mất thanh khoản và sẽ bị đóng cửa vào thứ Sáu; người gửi tiền phải rút hết ngay.",
        "Cơ quan quản lý ngân hàng cho biết Đông Phong hoạt động bình thường, các chỉ số an toàn vốn trong "
        "giới hạn cho phép. Tiền gửi của cá nhân còn được bảo hiểm theo quy định.\n\n"
        "“Nguồn tin nội bộ” trong bài đăng không có tên, và tin lan trong các nhóm chat đúng lúc có người "
        "rao mua vàng, đô la giá cao. Tung tin sai gây hoang mang có thể bị xử phạt.",
        (("Thông cáo của cơ quan quản lý (ví dụ)", "https://example.org/ngan-hang/thong-cao"),),
    ),
    DemoVerdict(
        "dong-dat",
        F,
        48,
        "Không ai dự báo được động đất 7,2 độ ở Kon Tum vào giờ chính xác",
        "Viện Vật lý Địa cầu dự báo động đất mạnh 7,2 độ richter ở Kon Tum vào 3 giờ sáng ngày 20.",
        "Viện Vật lý Địa cầu không đưa ra dự báo nào như vậy. Khoa học hiện nay chưa thể dự báo trước thời "
        "điểm và độ lớn của một trận động đất.\n\n"
        "Khu vực Kon Tum có động đất nhỏ trong thời gian gần đây, vì vậy tin đồn dễ được tin. Người dân "
        "nên theo dõi thông báo chính thức và không cần ngủ ngoài trời.",
        (("Bản tin động đất (ví dụ)", "https://example.org/dia-cau/ban-tin"),),
    ),
    DemoVerdict(
        "clip-lu-cu",
        D,
        6,
        "Clip lũ quét cuốn trôi nhà không phải ở Lào Cai sáng nay",
        "Clip lũ quét cuốn trôi cả dãy nhà quay ở Lào Cai sáng nay.",
        "Đoạn video có thật nhưng được quay ở nước ngoài cách đây nhiều năm; bản gốc vẫn còn trên mạng với "
        "ngày đăng cũ. Việc gắn clip vào Lào Cai làm người xem hiểu sai về tình hình.\n\n"
        "Lào Cai có mưa lớn và một số điểm sạt lở nhỏ trong ngày, theo thông tin của Ban chỉ huy phòng "
        "chống thiên tai tỉnh, nhưng không có nhà nào bị lũ cuốn trôi.",
        (("Bản tin phòng chống thiên tai (ví dụ)", "https://example.org/phong-chong-thien-tai/ban-tin"),),
    ),
    DemoVerdict(
        "phat-can-cuoc",
        D,
        100,
        "Không mang căn cước không bị phạt 5 triệu đồng và giữ xe",
        "Từ tháng sau, người ra đường không mang căn cước bị phạt 5 triệu đồng và tạm giữ xe.",
        "Quy định về xuất trình giấy tờ tùy thân là có thật, nhưng mức phạt trong bài viết bị thổi phồng "
        "nhiều lần và không có quy định tạm giữ xe vì lý do này. Nghị định được dẫn trong bài không tồn tại.\n\n"
        "Người dân có thể dùng căn cước điện tử trên ứng dụng định danh thay cho thẻ.",
        (("Cơ sở dữ liệu văn bản pháp luật (ví dụ)", "https://example.org/van-ban/tra-cuu"),),
    ),
)


def _revision_model():  # noqa: ANN202 - VerdictRevision or None while the desk has none
    try:
        return apps.get_model("verification", "VerdictRevision")
    except LookupError:
        return None


def _snapshot(verdict: Verdict, kind: str, at, note: str = "") -> None:  # noqa: ANN001
    model = _revision_model()
    if model is None:
        return
    seq = model.objects.filter(verdict=verdict).count() + 1
    model.objects.create(
        verdict=verdict,
        seq=seq,
        kind=kind,
        label=verdict.label,
        title=verdict.title,
        claim_reviewed=verdict.claim_reviewed,
        explanation=verdict.explanation,
        sources=verdict.sources,
        note=note,
        at=at,
    )
    if hasattr(verdict, "revision"):
        Verdict.objects.filter(pk=verdict.pk).update(revision=seq)


def _slug(title: str) -> str:
    from .importer import _slug as slug

    return slug(title)


def publish_demo_verdict(item: DemoVerdict, claim: Claim, now) -> Verdict | None:  # noqa: ANN001
    """Conclude one demo claim with its verdict; None if it already has one."""
    if Verdict.objects.filter(claim=claim).exists():
        return None
    published = min(now - timedelta(minutes=30), claim.first_seen + timedelta(hours=item.hours_to_verdict))
    with transaction.atomic():
        verdict = Verdict.objects.create(
            claim=claim,
            label=item.label,
            title=item.title,
            slug=_slug(item.title),
            claim_reviewed=item.claim_reviewed,
            explanation=item.explanation,
            sources=[{"title": t, "url": u} for t, u in item.sources],
            published_at=published,
        )
        _snapshot(verdict, "published", published)
        if item.correction:
            corrected = min(now - timedelta(minutes=5), published + timedelta(hours=6))
            _snapshot(verdict, "corrected", corrected, item.correction)
        Claim.objects.filter(pk=claim.pk).update(
            state=ClaimState.PUBLISHED, concluded_at=published, updated_at=now
        )
    return verdict


def load_demo_verdicts() -> tuple[int, int, list[str]]:
    """Publish the demo verdicts whose claims exist: (added, already there, missing report keys)."""
    if not settings.DEBUG:
        raise DemoRefused(REFUSAL)
    from intake.management.commands.load_demo import demo_tracking_code
    from intake.models import Report

    now = timezone.now()
    added = present = 0
    missing = []
    for item in DEMO_VERDICTS:
        report = (
            Report.objects.select_related("claim")
            .filter(tracking_code=demo_tracking_code(item.report_key))
            .first()
        )
        if report is None or report.claim is None:
            missing.append(item.report_key)
            continue
        if publish_demo_verdict(item, report.claim, now) is None:
            present += 1
        else:
            added += 1
    if added:
        from verification.matching import get_matcher

        from .search_index import mark_changed

        get_matcher()
        mark_changed()
    return added, present, missing
