from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "inspections"
    verbose_name = "Inspections and checks"

    def ready(self) -> None:
        """Re-check a case within seconds of any change to it (cases.changes, after commit): a flag
        opens or resolves at once, not the next night. `check_case` also refreshes the case's contact
        standing, so it replaces supervision's own listener (one evaluation, not two)."""
        from cases import changes
        from inspections import services, tasks
        from inspections.views import register_pages
        from supervision.approvals import register_handler
        from supervision.models import ApprovalKind

        changes.on_case_changed("inspections.check_case", tasks.queue_check)
        # An SPO approving a practitioner's request to acknowledge a flag acknowledges it.
        register_handler(ApprovalKind.FLAG_ACKNOWLEDGEMENT, services.approve_flag_acknowledgement)
        register_pages()
