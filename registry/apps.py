from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "Реестр"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from registry.auth import session_started

        user_logged_in.connect(session_started, dispatch_uid="registry.auth.session_started")
