"""The hub's first schema: devices, enrolment codes, received bundles, sealed ops, cases and
their scope fields, what each device was sent, the change and audit counters, request nonces,
the hash-chained hub audit log, and conflicts (reserved).

Revision ID: 0001
Revises:
"""
import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cases',
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('rev', sa.BigInteger(), nullable=False),
    sa.Column('allocated_to', sa.String(length=40), nullable=True),
    sa.Column('bcu', sa.String(length=16), nullable=True),
    sa.Column('police_ref', sa.String(length=32), nullable=True),
    sa.Column('updated_at', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_cases'))
    )
    op.create_index(op.f('ix_cases_allocated_to'), 'cases', ['allocated_to'], unique=False)
    op.create_index(op.f('ix_cases_bcu'), 'cases', ['bcu'], unique=False)
    op.create_index(op.f('ix_cases_rev'), 'cases', ['rev'], unique=True)
    op.create_table('conflicts',
    sa.Column('conflict_id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('field', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=12), server_default='open', nullable=False),
    sa.Column('detail', sa.LargeBinary(), nullable=True),
    sa.Column('created_at', sa.BigInteger(), nullable=False),
    sa.Column('resolved_at', sa.BigInteger(), nullable=True),
    sa.PrimaryKeyConstraint('conflict_id', name=op.f('pk_conflicts'))
    )
    op.create_index(op.f('ix_conflicts_case_id'), 'conflicts', ['case_id'], unique=False)
    op.create_table('counters',
    sa.Column('name', sa.String(length=32), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_counters'))
    )
    op.create_table('devices',
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=64), nullable=False),
    sa.Column('user', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('staff_code', sa.String(length=40), server_default='', nullable=False),
    sa.Column('bcu', sa.String(length=16), server_default='', nullable=False),
    sa.Column('team', sa.String(length=40), server_default='', nullable=False),
    sa.Column('label', sa.String(length=80), server_default='', nullable=False),
    sa.Column('signing_key', sa.String(length=64), nullable=False),
    sa.Column('sealing_key', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=8), server_default='active', nullable=False),
    sa.Column('revoked_reason', sa.String(length=200), nullable=True),
    sa.Column('revoked_at', sa.BigInteger(), nullable=True),
    sa.Column('enrolled_at', sa.BigInteger(), nullable=False),
    sa.Column('not_after', sa.BigInteger(), nullable=False),
    sa.Column('last_seen', sa.BigInteger(), nullable=True),
    sa.Column('last_seq', sa.Integer(), server_default='0', nullable=False),
    sa.Column('last_header_hash', sa.String(length=64), server_default='0000000000000000000000000000000000000000000000000000000000000000', nullable=False),
    sa.Column('audit_head_seq', sa.Integer(), nullable=True),
    sa.Column('audit_head_hash', sa.String(length=64), nullable=True),
    sa.Column('last_cursor', sa.BigInteger(), server_default='0', nullable=False),
    sa.PrimaryKeyConstraint('device_id', name=op.f('pk_devices'))
    )
    op.create_index(op.f('ix_devices_team'), 'devices', ['team'], unique=False)
    op.create_table('enrol_codes',
    sa.Column('code_hash', sa.String(length=64), nullable=False),
    sa.Column('user', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('staff_code', sa.String(length=40), server_default='', nullable=False),
    sa.Column('bcu', sa.String(length=16), server_default='', nullable=False),
    sa.Column('team', sa.String(length=40), server_default='', nullable=False),
    sa.Column('created_at', sa.BigInteger(), nullable=False),
    sa.Column('expires_at', sa.BigInteger(), nullable=False),
    sa.Column('used_at', sa.BigInteger(), nullable=True),
    sa.Column('used_by', sa.String(length=64), nullable=True),
    sa.PrimaryKeyConstraint('code_hash', name=op.f('pk_enrol_codes'))
    )
    op.create_table('hub_audit',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('at', sa.BigInteger(), nullable=False),
    sa.Column('actor', sa.String(length=120), nullable=False),
    sa.Column('action', sa.String(length=24), nullable=False),
    sa.Column('record_type', sa.String(length=32), nullable=False),
    sa.Column('record_id', sa.String(length=120), nullable=False),
    sa.Column('recipient', sa.String(length=200), server_default='', nullable=False),
    sa.Column('purpose', sa.String(length=500), server_default='', nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_hub_audit'))
    )
    op.create_table('nonces',
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('nonce', sa.String(length=64), nullable=False),
    sa.Column('at', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('device_id', 'nonce', name=op.f('pk_nonces'))
    )
    op.create_index(op.f('ix_nonces_at'), 'nonces', ['at'], unique=False)
    op.create_table('device_cases',
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('rev_sent', sa.BigInteger(), nullable=True),
    sa.Column('sent_at', sa.BigInteger(), nullable=True),
    sa.Column('removed_at', sa.BigInteger(), nullable=True),
    sa.ForeignKeyConstraint(['device_id'], ['devices.device_id'], name=op.f('fk_device_cases_device_id_devices')),
    sa.PrimaryKeyConstraint('device_id', 'case_id', name=op.f('pk_device_cases'))
    )
    op.create_table('ops',
    sa.Column('op_id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('entity', sa.String(length=24), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=12), nullable=False),
    sa.Column('hlc', sa.String(length=64), nullable=False),
    sa.Column('author', sa.String(length=80), server_default='', nullable=False),
    sa.Column('sealed_value', sa.LargeBinary(), nullable=False),
    sa.Column('quarantined', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('received_seq', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['devices.device_id'], name=op.f('fk_ops_device_id_devices')),
    sa.PrimaryKeyConstraint('op_id', name=op.f('pk_ops'))
    )
    op.create_index(op.f('ix_ops_case_id_hlc'), 'ops', ['case_id', 'hlc'], unique=False)
    op.create_index(op.f('ix_ops_device_id_case_id'), 'ops', ['device_id', 'case_id'], unique=False)
    op.create_table('received_bundles',
    sa.Column('bundle_id', sa.String(length=36), nullable=False),
    sa.Column('device_id', sa.String(length=64), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('header_hash', sa.String(length=64), nullable=False),
    sa.Column('receipt', sa.JSON(), nullable=False),
    sa.Column('received_at', sa.BigInteger(), nullable=False),
    sa.ForeignKeyConstraint(['device_id'], ['devices.device_id'], name=op.f('fk_received_bundles_device_id_devices')),
    sa.PrimaryKeyConstraint('bundle_id', name=op.f('pk_received_bundles')),
    sa.UniqueConstraint('device_id', 'seq', name=op.f('uq_received_bundles_device_id_seq'))
    )

    counters = sa.table("counters", sa.column("name", sa.String), sa.column("value", sa.BigInteger))
    op.bulk_insert(counters, [{"name": "change", "value": 0}, {"name": "audit", "value": 0}])
