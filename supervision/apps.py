from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "supervision"
    verbose_name = "Supervision"

    def ready(self) -> None:
        """Add the supervision tabs and overview panels to the person page, and the contacts step to the
        national dataset: cases cannot import us, so we register with it."""
        from cases import changes, person_page
        from supervision.services import tier as tier_services
        from supervision.views import compliance, contacts, oversight, policies, safeguarding

        # The standing needs no listener of its own: the checks engine's `inspections.check_case`
        # re-evaluates a changed case and stores its standing from the same evaluation. The tier does.
        changes.on_case_changed("supervision.recalculate_tier", tier_services.on_case_changed)

        person_page.register_tab("contacts", "Contacts", "supervision:contacts", 10)
        person_page.register_tab("compliance", "Compliance", "supervision:compliance", 20)
        person_page.register_tab("risk", "Risk", "supervision:risk", 40)
        person_page.register_tab("safeguarding", "Safeguarding", "supervision:safeguarding", 50)
        person_page.register_tab("oversight", "Oversight", "supervision:oversight", 60)
        person_page.register_tab("timeline", "Timeline", "supervision:timeline", 70)
        person_page.register_section(
            "contact-standard", "supervision/policies/_person_section.html", policies.person_section, 10
        )
        person_page.register_section(
            "tier", "supervision/safeguarding/_tier_section.html", safeguarding.tier_section, 15
        )
        person_page.register_section(
            "compliance", "supervision/compliance/_person_section.html", compliance.person_section, 20
        )
        person_page.register_section(
            "contacts", "supervision/contacts/_person_section.html", contacts.person_section, 30
        )
        person_page.register_section(
            "oversight", "supervision/oversight/_person_section.html", oversight.person_section, 60
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
