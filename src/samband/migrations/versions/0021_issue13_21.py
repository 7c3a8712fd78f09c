"""Physician support across organisations (issue 13, decision 0018)

Enrolments in home health care are episodes of kind ``home_health_care``: one open episode
per patient *and kind*. The fixed physician and care contact on the patient with their
history; physician requests; physician visit slots, bookings and planned reviews; message
threads with read receipts; hospital stays and the coordination at discharge (lag 2017:612).

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 13:03:45.604048
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import samband.models.base

revision: str = "0021"
down_revision: str | None = "0020"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "physician_slots",
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("physician_id", sa.Uuid(), nullable=True),
        sa.Column("weekdays", sa.JSON(), nullable=False),
        sa.Column("start_time", sa.String(length=5), nullable=False),
        sa.Column("end_time", sa.String(length=5), nullable=False),
        sa.Column("book_by", sa.String(length=5), nullable=False),
        sa.Column("capacity", sa.Integer(), nullable=False),
        sa.Column("visit_minutes", sa.Integer(), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("start_lat", sa.Float(), nullable=True),
        sa.Column("start_lon", sa.Float(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=False),
        sa.Column("updated_by_id", sa.Uuid(), nullable=True),
        sa.Column("updated_at", samband.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", samband.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_physician_slots_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_physician_slots_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["physician_id"], ["users.id"], name=op.f("fk_physician_slots_physician_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_physician_slots_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_physician_slots")),
    )
    with op.batch_alter_table("physician_slots", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_physician_slots_organisation_id"), ["organisation_id"], unique=False
        )

    op.create_table(
        "message_threads",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("topic", sa.String(length=30), nullable=False),
        sa.Column("topic_id", sa.Uuid(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=True),
        sa.Column("last_message_at", samband.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", samband.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_message_threads_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_message_threads_patient_id_patients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_threads")),
        sa.UniqueConstraint("patient_id", "topic", "topic_id", name="one_per_topic"),
    )
    with op.batch_alter_table("message_threads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_message_threads_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "patient_assignments",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("from_user_id", sa.Uuid(), nullable=True),
        sa.Column("to_user_id", sa.Uuid(), nullable=True),
        sa.Column("by_user_id", sa.Uuid(), nullable=False),
        sa.Column("by_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", samband.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["by_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_patient_assignments_by_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["by_user_id"], ["users.id"], name=op.f("fk_patient_assignments_by_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["from_user_id"], ["users.id"], name=op.f("fk_patient_assignments_from_user_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_patient_assignments_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["to_user_id"], ["users.id"], name=op.f("fk_patient_assignments_to_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patient_assignments")),
    )
    with op.batch_alter_table("patient_assignments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_patient_assignments_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "physician_reviews",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("interval_days", sa.Integer(), nullable=False),
        sa.Column("next_due", sa.Date(), nullable=False),
        sa.Column("physician_id", sa.Uuid(), nullable=True),
        sa.Column("organisation_id", sa.Uuid(), nullable=False),
        sa.Column("duration_min", sa.Integer(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("made", sa.JSON(), nullable=False),
        sa.Column("created_by_id", sa.Uuid(), nullable=False),
        sa.Column("updated_by_id", sa.Uuid(), nullable=True),
        sa.Column("updated_at", samband.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", samband.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_physician_reviews_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_physician_reviews_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_physician_reviews_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["physician_id"], ["users.id"], name=op.f("fk_physician_reviews_physician_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_physician_reviews_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_physician_reviews")),
    )
    with op.batch_alter_table("physician_reviews", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_physician_reviews_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "hospital_stays",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("episode_id", sa.Uuid(), nullable=True),
        sa.Column("hospital_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("ward", sa.String(length=200), nullable=True),
        sa.Column("admitted_at", samband.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column(
            "admission_notice_sent_at",
            samband.models.base.UTCDateTime(timezone=True),
            nullable=True,
        ),
        sa.Column("admission_notice_by_id", sa.Uuid(), nullable=True),
        sa.Column("notice_to", sa.JSON(), nullable=False),
        sa.Column("expected_discharge_on", sa.Date(), nullable=True),
        sa.Column("ready_for_discharge_on", sa.Date(), nullable=True),
        sa.Column("ready_set_at", samband.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ready_set_by_id", sa.Uuid(), nullable=True),
        sa.Column("discharged_at", samband.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sip_needed", sa.Boolean(), nullable=True),
        sa.Column("sip_invited_at", samband.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("sip_invited_by_id", sa.Uuid(), nullable=True),
        sa.Column("sip_meeting_at", samband.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_by_id", sa.Uuid(), nullable=False),
        sa.Column("updated_by_id", sa.Uuid(), nullable=True),
        sa.Column("updated_at", samband.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", samband.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["admission_notice_by_id"],
            ["users.id"],
            name=op.f("fk_hospital_stays_admission_notice_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["users.id"], name=op.f("fk_hospital_stays_created_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episodes.id"], name=op.f("fk_hospital_stays_episode_id_episodes")
        ),
        sa.ForeignKeyConstraint(
            ["hospital_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_hospital_stays_hospital_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_hospital_stays_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["ready_set_by_id"], ["users.id"], name=op.f("fk_hospital_stays_ready_set_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["sip_invited_by_id"],
            ["users.id"],
            name=op.f("fk_hospital_stays_sip_invited_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"], ["users.id"], name=op.f("fk_hospital_stays_updated_by_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hospital_stays")),
    )
    with op.batch_alter_table("hospital_stays", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_hospital_stays_admitted_at"), ["admitted_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_hospital_stays_discharged_at"), ["discharged_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_hospital_stays_episode_id"), ["episode_id"], unique=False
        )
        batch_op.create_index(
            "ix_hospital_stays_open", ["patient_id", "discharged_at"], unique=False
        )

    op.create_table(
        "messages",
        sa.Column("thread_id", sa.Uuid(), nullable=False),
        sa.Column("author_id", sa.Uuid(), nullable=False),
        sa.Column("author_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", samband.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["users.id"], name=op.f("fk_messages_author_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["author_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_messages_author_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["thread_id"],
            ["message_threads.id"],
            name=op.f("fk_messages_thread_id_message_threads"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_messages")),
    )
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_messages_thread_created", ["thread_id", "created_at"], unique=False
        )

    op.create_table(
        "message_reads",
        sa.Column("message_id", sa.Uuid(), nullable=False),
        sa.Column("user_id", sa.Uuid(), nullable=False),
        sa.Column("read_at", samband.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["message_id"], ["messages.id"], name=op.f("fk_message_reads_message_id_messages")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_message_reads_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_message_reads")),
        sa.UniqueConstraint("message_id", "user_id", name=op.f("uq_message_reads_message_id")),
    )
    with op.batch_alter_table("message_reads", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_message_reads_message_id"), ["message_id"], unique=False
        )

    op.create_table(
        "physician_requests",
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("episode_id", sa.Uuid(), nullable=True),
        sa.Column("visit_id", sa.Uuid(), nullable=True),
        sa.Column("asked_by_id", sa.Uuid(), nullable=False),
        sa.Column("asking_organisation_id", sa.Uuid(), nullable=False),
        sa.Column("urgency", sa.String(length=20), nullable=False),
        sa.Column("situation", sa.Text(), nullable=False),
        sa.Column("background", sa.Text(), nullable=True),
        sa.Column("assessment", sa.Text(), nullable=True),
        sa.Column("recommendation", sa.Text(), nullable=True),
        sa.Column("observation_set_id", sa.Uuid(), nullable=True),
        sa.Column("vitals", sa.JSON(), nullable=False),
        sa.Column("agreement", sa.String(length=80), nullable=False),
        sa.Column("due_at", samband.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("physician_organisation_id", sa.Uuid(), nullable=True),
        sa.Column("routed_to_user_id", sa.Uuid(), nullable=True),
        sa.Column("routed_to_name", sa.String(length=200), nullable=True),
        sa.Column("routed_to_phone", sa.String(length=40), nullable=True),
        sa.Column("routed_via", sa.String(length=30), nullable=False),
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("escalated_at", samband.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("answer_kind", sa.String(length=30), nullable=True),
        sa.Column("answer_text", sa.Text(), nullable=True),
        sa.Column("answered_at", samband.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("answered_by_id", sa.Uuid(), nullable=True),
        sa.Column("answer_visit_id", sa.Uuid(), nullable=True),
        sa.Column("forwarded_to_id", sa.Uuid(), nullable=True),
        sa.Column("history", sa.JSON(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("updated_at", samband.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", samband.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["answer_visit_id"],
            ["visits.id"],
            name=op.f("fk_physician_requests_answer_visit_id_visits"),
        ),
        sa.ForeignKeyConstraint(
            ["answered_by_id"],
            ["users.id"],
            name=op.f("fk_physician_requests_answered_by_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["asked_by_id"], ["users.id"], name=op.f("fk_physician_requests_asked_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["asking_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_physician_requests_asking_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["episode_id"], ["episodes.id"], name=op.f("fk_physician_requests_episode_id_episodes")
        ),
        sa.ForeignKeyConstraint(
            ["forwarded_to_id"],
            ["users.id"],
            name=op.f("fk_physician_requests_forwarded_to_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["observation_set_id"],
            ["observation_sets.id"],
            name=op.f("fk_physician_requests_observation_set_id_observation_sets"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_physician_requests_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["physician_organisation_id"],
            ["organisations.id"],
            name=op.f("fk_physician_requests_physician_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["routed_to_user_id"],
            ["users.id"],
            name=op.f("fk_physician_requests_routed_to_user_id_users"),
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["visits.id"], name=op.f("fk_physician_requests_visit_id_visits")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_physician_requests")),
    )
    with op.batch_alter_table("physician_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_physician_requests_asked_by_id"), ["asked_by_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_physician_requests_episode_id"), ["episode_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_physician_requests_patient_id"), ["patient_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_physician_requests_physician_organisation_id"),
            ["physician_organisation_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_physician_requests_routed_to", ["routed_to_user_id", "status"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_physician_requests_status"), ["status"], unique=False)
        batch_op.create_index(
            "ix_physician_requests_status_due", ["status", "due_at"], unique=False
        )

    op.create_table(
        "slot_bookings",
        sa.Column("slot_id", sa.Uuid(), nullable=False),
        sa.Column("date", sa.Date(), nullable=False),
        sa.Column("patient_id", sa.Uuid(), nullable=False),
        sa.Column("visit_id", sa.Uuid(), nullable=False),
        sa.Column("request_id", sa.Uuid(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("booked_by_id", sa.Uuid(), nullable=False),
        sa.Column("cancelled_at", samband.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("cancelled_by_id", sa.Uuid(), nullable=True),
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("created_at", samband.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["booked_by_id"], ["users.id"], name=op.f("fk_slot_bookings_booked_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["cancelled_by_id"], ["users.id"], name=op.f("fk_slot_bookings_cancelled_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_slot_bookings_patient_id_patients")
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["physician_requests.id"],
            name=op.f("fk_slot_bookings_request_id_physician_requests"),
        ),
        sa.ForeignKeyConstraint(
            ["slot_id"],
            ["physician_slots.id"],
            name=op.f("fk_slot_bookings_slot_id_physician_slots"),
        ),
        sa.ForeignKeyConstraint(
            ["visit_id"], ["visits.id"], name=op.f("fk_slot_bookings_visit_id_visits")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_slot_bookings")),
    )
    with op.batch_alter_table("slot_bookings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_slot_bookings_patient_id"), ["patient_id"], unique=False
        )
        batch_op.create_index("ix_slot_bookings_slot_date", ["slot_id", "date"], unique=False)

    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "kind", sa.String(length=20), server_default="hospital_at_home", nullable=False
            )
        )
        batch_op.drop_index("uq_episodes_one_open_per_patient")
        batch_op.create_index(
            "uq_episodes_one_open_per_patient",
            ["patient_id", "kind"],
            unique=True,
            postgresql_where=sa.text(
                "state IN ('candidate', 'assessed', 'consented', 'planned', 'at_home')"
            ),
            sqlite_where=sa.text(
                "state IN ('candidate', 'assessed', 'consented', 'planned', 'at_home')"
            ),
        )

    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("fixed_physician_id", sa.Uuid(), nullable=True))
        batch_op.add_column(sa.Column("fixed_care_contact_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_patients_fixed_physician_id_users"),
            "users",
            ["fixed_physician_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_patients_fixed_care_contact_id_users"),
            "users",
            ["fixed_care_contact_id"],
            ["id"],
        )

    # the physician asked for by name (a booked slot's, a planned review's): every new day
    # plan prefers them (decision 0019)
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.add_column(sa.Column("requested_user_id", sa.Uuid(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_visits_requested_user_id_users"), "users", ["requested_user_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("visits", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_visits_requested_user_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("requested_user_id")

    with op.batch_alter_table("patients", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_patients_fixed_care_contact_id_users"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_patients_fixed_physician_id_users"), type_="foreignkey"
        )
        batch_op.drop_column("fixed_care_contact_id")
        batch_op.drop_column("fixed_physician_id")

    with op.batch_alter_table("episodes", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_episodes_one_open_per_patient",
            postgresql_where=sa.text(
                "state IN ('candidate', 'assessed', 'consented', 'planned', 'at_home')"
            ),
            sqlite_where=sa.text(
                "state IN ('candidate', 'assessed', 'consented', 'planned', 'at_home')"
            ),
        )
        batch_op.create_index(
            "uq_episodes_one_open_per_patient",
            ["patient_id"],
            unique=True,
            postgresql_where=sa.text(
                "state IN ('candidate', 'assessed', 'consented', 'planned', 'at_home')"
            ),
            sqlite_where=sa.text(
                "state IN ('candidate', 'assessed', 'consented', 'planned', 'at_home')"
            ),
        )
        batch_op.drop_column("kind")

    with op.batch_alter_table("slot_bookings", schema=None) as batch_op:
        batch_op.drop_index("ix_slot_bookings_slot_date")
        batch_op.drop_index(batch_op.f("ix_slot_bookings_patient_id"))

    op.drop_table("slot_bookings")
    with op.batch_alter_table("physician_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_physician_requests_status_due")
        batch_op.drop_index(batch_op.f("ix_physician_requests_status"))
        batch_op.drop_index("ix_physician_requests_routed_to")
        batch_op.drop_index(batch_op.f("ix_physician_requests_physician_organisation_id"))
        batch_op.drop_index(batch_op.f("ix_physician_requests_patient_id"))
        batch_op.drop_index(batch_op.f("ix_physician_requests_episode_id"))
        batch_op.drop_index(batch_op.f("ix_physician_requests_asked_by_id"))

    op.drop_table("physician_requests")
    with op.batch_alter_table("message_reads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_reads_message_id"))

    op.drop_table("message_reads")
    with op.batch_alter_table("messages", schema=None) as batch_op:
        batch_op.drop_index("ix_messages_thread_created")

    op.drop_table("messages")
    with op.batch_alter_table("hospital_stays", schema=None) as batch_op:
        batch_op.drop_index("ix_hospital_stays_open")
        batch_op.drop_index(batch_op.f("ix_hospital_stays_episode_id"))
        batch_op.drop_index(batch_op.f("ix_hospital_stays_discharged_at"))
        batch_op.drop_index(batch_op.f("ix_hospital_stays_admitted_at"))

    op.drop_table("hospital_stays")
    with op.batch_alter_table("physician_reviews", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_physician_reviews_patient_id"))

    op.drop_table("physician_reviews")
    with op.batch_alter_table("patient_assignments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_patient_assignments_patient_id"))

    op.drop_table("patient_assignments")
    with op.batch_alter_table("message_threads", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_message_threads_patient_id"))

    op.drop_table("message_threads")
    with op.batch_alter_table("physician_slots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_physician_slots_organisation_id"))

    op.drop_table("physician_slots")
