"""First schema: incidents, cases, visits, offers, risk, voice, safe contact, outcome,
audit log and outbox.

Revision ID: 0001
Revises: (none)
"""
import sqlalchemy as sa
from alembic import op

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('seq', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('at', sa.String(length=27), nullable=False),
    sa.Column('actor', sa.String(length=80), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('record_type', sa.String(length=24), nullable=False),
    sa.Column('record_id', sa.String(length=64), nullable=False),
    sa.Column('fields', sa.Text(), nullable=False),
    sa.Column('justification', sa.Text(), nullable=False),
    sa.Column('recipient', sa.Text(), nullable=False),
    sa.Column('prev_hash', sa.String(length=64), nullable=False),
    sa.Column('hash', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('seq')
    )
    op.create_table('incidents',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('police_ref', sa.String(length=32), nullable=False),
    sa.Column('bcu', sa.String(length=8), nullable=False),
    sa.Column('district', sa.String(length=40), nullable=False),
    sa.Column('police_visit_at', sa.String(length=27), nullable=False),
    sa.Column('officers', sa.Text(), nullable=False),
    sa.Column('created_at', sa.String(length=27), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('updated_at', sa.String(length=27), nullable=False),
    sa.Column('updated_by', sa.String(length=80), nullable=False),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_incidents_police_ref'), ['police_ref'], unique=False)

    op.create_table('meta',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('key')
    )
    op.create_table('outbox',
    sa.Column('op_id', sa.String(length=36), nullable=False),
    sa.Column('hlc', sa.String(length=40), nullable=False),
    sa.Column('entity', sa.String(length=24), nullable=False),
    sa.Column('entity_id', sa.String(length=64), nullable=False),
    sa.Column('op', sa.String(length=12), nullable=False),
    sa.Column('payload', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.PrimaryKeyConstraint('op_id')
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_hlc'), ['hlc'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_status'), ['status'], unique=False)

    op.create_table('cases',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('incident_id', sa.String(length=36), nullable=False),
    sa.Column('pseudonym', sa.String(length=40), nullable=False),
    sa.Column('victim_name', sa.String(length=120), nullable=False),
    sa.Column('allocated_to', sa.String(length=40), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('police_ref', sa.String(length=32), nullable=False),
    sa.Column('bcu', sa.String(length=8), nullable=False),
    sa.Column('district', sa.String(length=40), nullable=False),
    sa.Column('police_visit_at', sa.String(length=27), nullable=False),
    sa.Column('first_idva_visit_at', sa.String(length=27), nullable=True),
    sa.Column('created_at', sa.String(length=27), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('updated_at', sa.String(length=27), nullable=False),
    sa.Column('updated_by', sa.String(length=80), nullable=False),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_allocated_to'), ['allocated_to'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_bcu'), ['bcu'], unique=False)
        batch_op.create_index('ix_cases_board', ['status', 'first_idva_visit_at', 'police_visit_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_police_ref'), ['police_ref'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_police_visit_at'), ['police_visit_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_pseudonym'), ['pseudonym'], unique=False)

    op.create_table('outcomes',
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('outcome_code', sa.String(length=4), nullable=False),
    sa.Column('outcome_date', sa.String(length=10), nullable=True),
    sa.Column('created_at', sa.String(length=27), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('updated_at', sa.String(length=27), nullable=False),
    sa.Column('updated_by', sa.String(length=80), nullable=False),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('case_id')
    )
    op.create_table('safe_contacts',
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('method', sa.String(length=20), nullable=False),
    sa.Column('safe_number', sa.String(length=40), nullable=False),
    sa.Column('safe_times', sa.String(length=200), nullable=False),
    sa.Column('voicemail_ok', sa.Boolean(), nullable=False),
    sa.Column('text_ok', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.String(length=27), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('updated_at', sa.String(length=27), nullable=False),
    sa.Column('updated_by', sa.String(length=80), nullable=False),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('case_id')
    )
    op.create_table('visits',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('idva_visit_at', sa.String(length=27), nullable=True),
    sa.Column('mode', sa.String(length=16), nullable=True),
    sa.Column('idva_code', sa.String(length=40), nullable=False),
    sa.Column('safe_to_talk', sa.String(length=8), nullable=True),
    sa.Column('suspect_location', sa.String(length=20), nullable=True),
    sa.Column('children_in_household', sa.Integer(), nullable=True),
    sa.Column('encompass_notified', sa.String(length=16), nullable=True),
    sa.Column('police_risk_grade', sa.String(length=10), nullable=True),
    sa.Column('repeat_victim', sa.Boolean(), nullable=True),
    sa.Column('repeat_suspect', sa.Boolean(), nullable=True),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.String(length=27), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('updated_at', sa.String(length=27), nullable=False),
    sa.Column('updated_by', sa.String(length=80), nullable=False),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visits_case_id'), ['case_id'], unique=False)

    op.create_table('voice_entries',
    sa.Column('id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('words', sa.Text(), nullable=False),
    sa.Column('verbatim', sa.Boolean(), nullable=False),
    sa.Column('goals', sa.Text(), nullable=False),
    sa.Column('consent_to_share', sa.String(length=20), nullable=True),
    sa.Column('consent_scope', sa.Text(), nullable=False),
    sa.Column('corrects', sa.String(length=36), nullable=True),
    sa.Column('recorded_at', sa.String(length=27), nullable=False),
    sa.Column('recorded_by', sa.String(length=80), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.ForeignKeyConstraint(['corrects'], ['voice_entries.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('voice_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_voice_entries_case_id'), ['case_id'], unique=False)

    op.create_table('offers',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('visit_id', sa.String(length=36), nullable=False),
    sa.Column('offer_type', sa.String(length=24), nullable=False),
    sa.Column('target', sa.String(length=32), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('decline_reason', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.String(length=27), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('updated_at', sa.String(length=27), nullable=False),
    sa.Column('updated_by', sa.String(length=80), nullable=False),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('visit_id', 'offer_type', 'target')
    )
    with op.batch_alter_table('offers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_offers_visit_id'), ['visit_id'], unique=False)

    op.create_table('risk_assessments',
    sa.Column('visit_id', sa.String(length=36), nullable=False),
    sa.Column('answers', sa.Text(), nullable=True),
    sa.Column('yes_count', sa.Integer(), nullable=False),
    sa.Column('professional_judgement', sa.Boolean(), nullable=False),
    sa.Column('rationale', sa.Text(), nullable=False),
    sa.Column('da_events_12m', sa.Integer(), nullable=False),
    sa.Column('repeat_within_12m', sa.Boolean(), nullable=False),
    sa.Column('marac_referral', sa.Boolean(), nullable=True),
    sa.Column('created_at', sa.String(length=27), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('updated_at', sa.String(length=27), nullable=False),
    sa.Column('updated_by', sa.String(length=80), nullable=False),
    sa.Column('row_version', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], ),
    sa.PrimaryKeyConstraint('visit_id')
    )
    op.create_table('tracker_extras',
    sa.Column('visit_id', sa.String(length=36), nullable=False),
    sa.Column('dash_score', sa.Integer(), nullable=True),
    sa.Column('marac_referral', sa.Boolean(), nullable=True),
    sa.Column('victim_goals', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['visit_id'], ['visits.id'], ),
    sa.PrimaryKeyConstraint('visit_id')
    )

