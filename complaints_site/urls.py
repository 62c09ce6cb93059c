from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from complaints_site.common.views import healthz

admin.site.site_header = _("Complaints back office")
admin.site.site_title = _("Complaints back office")
admin.site.index_title = _("Case work")

urlpatterns = [
    # The site's front door is the customer portal; staff go to /admin/.
    path("", RedirectView.as_view(pattern_name="portal:case_list", permanent=False)),
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("complaints_site.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # Signed-in callers only (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]). The split view serves
    # Swagger UI's start-up script as a file of its own, so the page needs no inline script
    # under the Content-Security-Policy; the UI itself comes from our static files (sidecar).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("portal/chat/", include("channels.portal.urls")),
    path("portal/", include("cases.portal.urls")),
]
