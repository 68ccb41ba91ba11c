# Process changes recorded per OKR × unit (reporting.models.ProcessChange).

import django.db.models.deletion
import simple_history.models
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('objectives', '0005_history_of_narrative_delegates'),
        ('okrs', '0006_result_upload_keeps_its_rows'),
        ('reporting', '0007_pack_export_heartbeat'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='HistoricalProcessChange',
            fields=[
                ('id', models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name='ID')),
                ('starts_on', models.DateField(help_text='The first day of the first period of the changed process.')),
                ('reason', models.TextField(help_text='What changed in the process, and why.', max_length=2000)),
                ('baseline_values', models.PositiveSmallIntegerField(blank=True, help_text='Fix the limits on this many values from the change (empty: on all of them).', null=True)),
                ('recorded_at', models.DateTimeField()),
                ('version', models.PositiveIntegerField(default=1)),
                ('history_id', models.AutoField(primary_key=True, serialize=False)),
                ('history_date', models.DateTimeField(db_index=True)),
                ('history_change_reason', models.TextField(null=True)),
                ('history_type', models.CharField(choices=[('+', 'Created'), ('~', 'Changed'), ('-', 'Deleted')], max_length=1)),
                ('history_user', models.ForeignKey(null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('key_result', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='okrs.keyresult')),
                ('recorded_by', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('unit', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='objectives.organisationalunit')),
            ],
            options={
                'verbose_name': 'historical process change',
                'verbose_name_plural': 'historical process changes',
                'ordering': ('-history_date', '-history_id'),
                'get_latest_by': ('history_date', 'history_id'),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name='ProcessChange',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('starts_on', models.DateField(help_text='The first day of the first period of the changed process.')),
                ('reason', models.TextField(help_text='What changed in the process, and why.', max_length=2000)),
                ('baseline_values', models.PositiveSmallIntegerField(blank=True, help_text='Fix the limits on this many values from the change (empty: on all of them).', null=True)),
                ('recorded_at', models.DateTimeField()),
                ('version', models.PositiveIntegerField(default=1)),
                ('key_result', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='process_changes', to='okrs.keyresult')),
                ('recorded_by', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('unit', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='+', to='objectives.organisationalunit')),
            ],
            options={
                'ordering': ['key_result', 'unit__order', 'starts_on'],
                'constraints': [models.UniqueConstraint(fields=('key_result', 'unit', 'starts_on'), name='one_process_change_per_okr_unit_start'), models.CheckConstraint(condition=models.Q(('reason', ''), _negated=True), name='process_change_has_reason'), models.CheckConstraint(condition=models.Q(('baseline_values__isnull', True), models.Q(('baseline_values__gte', 2), ('baseline_values__lte', 60)), _connector='OR'), name='process_change_baseline_in_range')],
            },
        ),
    ]
