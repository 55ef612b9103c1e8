from django.apps import AppConfig


class DevdataConfig(AppConfig):
    name = "devdata"
    verbose_name = "Демонстрационные и синтетические данные"
