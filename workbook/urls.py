"""The Excel budget-and-accounts template: download, export, import and reversal of an import."""
from django.urls import path

from workbook import views

app_name = "workbook"

urlpatterns = [
    path("regnskab/<int:pk>/skabelon/", views.template_download, name="template"),
    path("regnskab/<int:pk>/eksport/", views.export_download, name="export"),
    path("regnskab/<int:pk>/indlaes/", views.import_upload, name="import_upload"),
    path("regnskab/<int:pk>/indlaes/<int:upload_pk>/", views.import_preview, name="import_preview"),
    path("import/<int:pk>/", views.import_detail, name="import_detail"),
    path("import/<int:pk>/tilbagefoer/", views.import_reverse, name="import_reverse"),
]
