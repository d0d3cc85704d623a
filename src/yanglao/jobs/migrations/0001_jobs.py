"""Background jobs whose state lives in the database."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='Job',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('kind', models.CharField(max_length=32, verbose_name='类型')),
                ('state', models.CharField(choices=[('queued', '排队中'), ('running', '进行中'), ('done', '已完成'), ('failed', '失败')], default='queued', max_length=16, verbose_name='状态')),
                ('params', models.JSONField(blank=True, default=dict, verbose_name='参数')),
                ('done', models.PositiveIntegerField(default=0, verbose_name='已处理')),
                ('total', models.PositiveIntegerField(default=0, verbose_name='总数')),
                ('result', models.JSONField(blank=True, default=dict, verbose_name='结果')),
                ('error', models.CharField(blank=True, max_length=500, verbose_name='错误')),
                ('pid', models.PositiveIntegerField(blank=True, null=True, verbose_name='进程号')),
                ('host', models.CharField(blank=True, max_length=255, verbose_name='主机')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('started_at', models.DateTimeField(blank=True, null=True, verbose_name='开始时间')),
                ('finished_at', models.DateTimeField(blank=True, null=True, verbose_name='结束时间')),
                ('user', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, to=settings.AUTH_USER_MODEL, verbose_name='用户')),
            ],
            options={
                'verbose_name': '后台任务',
                'verbose_name_plural': '后台任务',
                'ordering': ['-created_at', '-id'],
            },
        ),
    ]
