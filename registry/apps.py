from django.apps import AppConfig


class RegistryConfig(AppConfig):
    name = "registry"
    verbose_name = "Реестр"

    def ready(self):
        from registry.evidence import register_kinds

        register_kinds()
