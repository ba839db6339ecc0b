from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "Supervision"

    def ready(self) -> None:
        """Add the supervision tabs and overview panels to the person page (cases cannot import us)."""
        from cases import person_page
        from supervision.views import compliance, contacts, policies

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
