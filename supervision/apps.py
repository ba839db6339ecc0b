from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "Supervision"

    def ready(self) -> None:
        """Add the supervision tabs and overview panels to the person page, and the contacts step to the
        national dataset: cases cannot import us, so we register with it."""
        from cases import changes, person_page
        from supervision import tasks
        from supervision.views import compliance, contacts, policies

        changes.on_case_changed("supervision.refresh_standing", tasks.queue_refresh)

        person_page.register_tab("contacts", "Contacts", "supervision:contacts", 10)
        person_page.register_tab("compliance", "Compliance", "supervision:compliance", 20)
        person_page.register_section(
            "contact-standard", "supervision/policies/_person_section.html", policies.person_section, 10
        )
        person_page.register_section(
            "compliance", "supervision/compliance/_person_section.html", compliance.person_section, 20
        )
        person_page.register_section(
            "contacts", "supervision/contacts/_person_section.html", contacts.person_section, 30
        )
        self._register_national_dataset_step()

    @staticmethod
    def _register_national_dataset_step() -> None:
        from cases.management.commands import generate_national_dataset as national
        from supervision.national_dataset import load_contacts

        national.register_loader(
            "contacts",
            "supervision_contact",
            load_contacts,
            [
                ("supervision_contact", "person_id", "cases_person"),
                ("supervision_contact", "staff_id", "cases_user"),
                ("supervision_contact", "contact_type_id", "supervision_contacttype"),
                ("supervision_contact", "outcome_id", "supervision_outcometype"),
            ],
        )
