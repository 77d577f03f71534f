"""Staff screens of the verification desk, mounted at /staff/claims/.

Everything under /staff/ passes core.staff_access.StaffAccessMiddleware (signed in, a role,
two-factor where required); each view also checks its own action (core.roles.staff_required).
"""

from django.urls import path

from .views import page, queue, records, work

app_name = "desk"
urlpatterns = [
    path("", queue.claim_queue, name="queue"),
    path("bulk-dismiss/", queue.bulk_dismiss, name="bulk_dismiss"),
    path("<int:pk>/", page.claim_page, name="claim"),
    path("<int:pk>/lock/", work.lock, name="lock"),
    path("<int:pk>/edit/", work.edit, name="edit"),
    path("<int:pk>/assign/", work.assign, name="assign"),
    path("<int:pk>/state/", work.change_state, name="state"),
    path("<int:pk>/verdict/", work.verdict, name="verdict"),
    path("<int:pk>/review/", work.review, name="review"),
    path("<int:pk>/unpublish/", work.unpublish, name="unpublish"),
    path("<int:pk>/correct/", work.correct, name="correct"),
    path("<int:pk>/merge/", work.merge, name="merge"),
    path("<int:pk>/split/", work.split, name="split"),
    path("<int:pk>/public-title/", work.public_title, name="public_title"),
    path("<int:pk>/public-title/approve/", work.public_title_approve, name="public_title_approve"),
    path("<int:pk>/notes/", records.note, name="note"),
    path("<int:pk>/evidence/", records.evidence, name="evidence"),
    path("evidence/<int:pk>/file/", records.evidence_file, name="evidence_file"),
    path("screenshots/<int:pk>/", records.report_image, name="report_image"),
    path("<int:pk>/referrals/", records.referral, name="referral"),
    path("<int:pk>/referrals/<int:referral_pk>/answer/", records.referral_answer, name="referral_answer"),
    path("<int:pk>/takedowns/", records.takedown, name="takedown"),
    path("<int:pk>/takedowns/<int:takedown_pk>/", records.takedown_update, name="takedown_update"),
    path("<int:pk>/replies/<int:reply_pk>/handle/", records.reply_handle, name="reply_handle"),
    path("<int:pk>/replies/<int:reply_pk>/reveal/", records.reply_reveal, name="reply_reveal"),
]
