"""The tenant models, moved from the registry: created in the migration state only. Their tables
(``registry_*``) and rows stay as they are."""

import core.models
import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('registry', '0011_audit_append_only'),
        ('auth', '0012_alter_user_first_name_max_length'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name='AccountState',
                    fields=[
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, primary_key=True, related_name='account_state', serialize=False, to=settings.AUTH_USER_MODEL, verbose_name='пользователь')),
                        ('must_change_password', models.BooleanField(default=False, help_text='Пароль задал не владелец: до смены открыта только страница смены пароля.', verbose_name='сменить пароль при входе')),
                        ('password_changed_at', models.DateTimeField(blank=True, null=True, verbose_name='пароль задан владельцем')),
                        ('deactivated_at', models.DateTimeField(blank=True, null=True, verbose_name='доступ отключён')),
                    ],
                    options={
                        'verbose_name': 'состояние учётной записи',
                        'verbose_name_plural': 'состояния учётных записей',
                        'db_table': 'registry_accountstate',
                    },
                ),
                migrations.CreateModel(
                    name='Municipality',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('name', models.CharField(max_length=255, unique=True, verbose_name='наименование')),
                        ('short_name', models.CharField(blank=True, max_length=120, verbose_name='краткое наименование')),
                    ],
                    options={
                        'verbose_name': 'муниципальное образование',
                        'verbose_name_plural': 'муниципальные образования',
                        'db_table': 'registry_municipality',
                        'ordering': ('name',),
                    },
                ),
                migrations.CreateModel(
                    name='ImportBatch',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('entity', models.CharField(max_length=20, verbose_name='что загружается')),
                        ('file', models.FileField(max_length=255, upload_to=core.models.import_path)),
                        ('original_name', models.CharField(max_length=255)),
                        ('status', models.CharField(choices=[('preview', 'предпросмотр'), ('done', 'загружено')], default='preview', max_length=20)),
                        ('rows', models.PositiveIntegerField(default=0)),
                        ('created', models.PositiveIntegerField(default=0)),
                        ('updated', models.PositiveIntegerField(default=0)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'verbose_name': 'загрузка из Excel',
                        'verbose_name_plural': 'загрузки из Excel',
                        'db_table': 'registry_importbatch',
                        'ordering': ('-created_at',),
                    },
                ),
                migrations.CreateModel(
                    name='Department',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('full_name', models.CharField(max_length=255, verbose_name='полное наименование')),
                        ('short_name', models.CharField(max_length=255, verbose_name='краткое наименование')),
                        ('header_lines', models.TextField(help_text='Строки бланка на русском языке, каждая с новой строки.', verbose_name='шапка бланка (русский)')),
                        ('header_lines_local', models.TextField(blank=True, help_text='Строки бланка на втором государственном языке, каждая с новой строки.', verbose_name='шапка бланка (государственный язык республики)')),
                        ('city', models.CharField(help_text='Например, г. Аргун', max_length=120, verbose_name='место издания')),
                        ('head_position', models.CharField(max_length=255, verbose_name='должность руководителя')),
                        ('head_name', models.CharField(max_length=255, verbose_name='руководитель (И.О. Фамилия)')),
                        ('municipality', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, related_name='department', to='core.municipality', verbose_name='муниципальное образование')),
                    ],
                    options={
                        'verbose_name': 'департамент образования',
                        'verbose_name_plural': 'департаменты образования',
                        'db_table': 'registry_department',
                    },
                ),
                migrations.CreateModel(
                    name='School',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('full_name', models.CharField(max_length=500, verbose_name='полное наименование')),
                        ('short_name', models.CharField(max_length=255, verbose_name='краткое наименование')),
                        ('kind', models.CharField(choices=[('school', 'общеобразовательная организация'), ('kindergarten', 'дошкольная образовательная организация'), ('additional', 'организация дополнительного образования')], default='school', max_length=20, verbose_name='тип')),
                        ('is_active', models.BooleanField(default=True, verbose_name='действует')),
                        ('address', models.CharField(blank=True, max_length=500, verbose_name='адрес')),
                        ('director_name', models.CharField(blank=True, max_length=255, verbose_name='руководитель')),
                        ('phone', models.CharField(blank=True, max_length=50, verbose_name='телефон')),
                        ('email', models.EmailField(blank=True, max_length=254, verbose_name='e-mail')),
                        ('website', models.URLField(blank=True, verbose_name='сайт')),
                        ('municipality', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='schools', to='core.municipality', verbose_name='муниципальное образование')),
                    ],
                    options={
                        'verbose_name': 'образовательная организация',
                        'verbose_name_plural': 'образовательные организации',
                        'db_table': 'registry_school',
                        'ordering': ('short_name',),
                    },
                ),
                migrations.CreateModel(
                    name='Profile',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('position', models.CharField(blank=True, max_length=255, verbose_name='должность')),
                        ('phone', models.CharField(blank=True, max_length=50, verbose_name='телефон')),
                        ('municipality', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='profiles', to='core.municipality', verbose_name='муниципальное образование')),
                        ('user', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='profile', to=settings.AUTH_USER_MODEL, verbose_name='пользователь')),
                        ('school', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='profiles', to='core.school', verbose_name='образовательная организация')),
                    ],
                    options={
                        'verbose_name': 'профиль пользователя',
                        'verbose_name_plural': 'профили пользователей',
                        'db_table': 'registry_profile',
                    },
                ),
                migrations.CreateModel(
                    name='AuditEvent',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('at', models.DateTimeField(db_index=True, default=django.utils.timezone.now, verbose_name='когда')),
                        ('action', models.CharField(choices=[('view', 'просмотр'), ('export', 'выгрузка'), ('import', 'загрузка'), ('download', 'скачивание файла'), ('denied', 'отказ в доступе'), ('destroy', 'уничтожение данных'), ('change', 'изменение записи'), ('link', 'связь с ОО'), ('link_request', 'запрос на связь с ОО'), ('link_decision', 'решение по запросу на связь'), ('reset_link', 'выдача ссылки для смены пароля'), ('password', 'смена пароля'), ('deactivate', 'отключение доступа'), ('reactivate', 'восстановление доступа')], max_length=20, verbose_name='действие')),
                        ('object_type', models.CharField(max_length=50, verbose_name='что')),
                        ('object_id', models.CharField(blank=True, max_length=50, verbose_name='идентификатор')),
                        ('detail', models.CharField(blank=True, max_length=500, verbose_name='подробности')),
                        ('ip', models.GenericIPAddressField(blank=True, null=True, verbose_name='IP-адрес')),
                        ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='кто')),
                        ('school', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.school')),
                    ],
                    options={
                        'verbose_name': 'запись журнала доступа',
                        'verbose_name_plural': 'журнал доступа к персональным данным',
                        'db_table': 'registry_auditevent',
                        'ordering': ('-at', '-id'),
                    },
                ),
                migrations.AddConstraint(
                    model_name='school',
                    constraint=models.UniqueConstraint(fields=('municipality', 'short_name'), name='school_unique_short_name'),
                ),
                migrations.AddConstraint(
                    model_name='profile',
                    constraint=models.CheckConstraint(condition=models.Q(('school__isnull', True), ('municipality__isnull', False), _connector='OR'), name='profile_school_needs_municipality'),
                ),
            ],
            database_operations=[],
        ),
    ]
