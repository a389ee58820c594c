from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "fazhi.jobs"
    verbose_name = "后台任务"

    def ready(self) -> None:
        from django.db.models.signals import post_delete

        from fazhi.jobs.models import Job
        from fazhi.jobs.services import delete_stored_file

        # a deleted job's stored file (an export's workbook, an upload) goes with it
        post_delete.connect(delete_stored_file, sender=Job, dispatch_uid="fazhi.jobs.file")
