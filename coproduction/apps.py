from django.apps import AppConfig


class CoproductionConfig(AppConfig):
    name = "coproduction"
    verbose_name = "Co-production"

    def ready(self) -> None:
        from coproduction import checks
        from coproduction.selectors.payments import register_cost_line
        from coproduction.services.partner_access import partner_invitation_accepted
        from programmes.services import register_invitation_accepted
        from programmes.views.event_base import register_tab

        checks.register_all()
        register_cost_line()
        register_invitation_accepted("coproduction.partner", partner_invitation_accepted)
        register_tab("coproduction:event-coproduction", "Co-production", 33)
