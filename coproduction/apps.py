from django.apps import AppConfig


class CoproductionConfig(AppConfig):
    name = "coproduction"
    verbose_name = "Co-production"

    def ready(self) -> None:
        from coproduction import checks
        from coproduction.selectors.partner_access import partner_invitation_access_flags
        from coproduction.selectors.payments import register_cost_line
        from coproduction.services.partner_access import partner_invitation_accepted
        from programmes import invitation_flags
        from programmes.services import register_invitation_accepted
        from programmes.views.event_base import register_tab

        checks.register_all()
        register_cost_line()
        register_invitation_accepted("coproduction.partner", partner_invitation_accepted)
        invitation_flags.register("coproduction.access_needs", partner_invitation_access_flags)
        register_tab("coproduction:event-coproduction", "Co-production", 33)

        from coproduction import home
        from programmes import home as programmes_home

        programmes_home.register(home.NAME, home.SECTION)
