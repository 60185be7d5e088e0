-- The call centre's inquiry log and the FAQ the operators answer from.
-- Every free-text column has passed the PAN guard before it is written:
-- callers read card numbers out on the phone, and none may be kept.
CREATE TABLE inquiries (
    id              bigserial PRIMARY KEY,
    organisation_id bigint NOT NULL,
    case_id         bigint NOT NULL,
    received_at     timestamptz NOT NULL,
    channel         text NOT NULL CHECK (channel IN ('phone', 'email', 'web', 'other')),
    caller_name     text NOT NULL DEFAULT '' CHECK (length(caller_name) <= 200),
    caller_contact  text NOT NULL DEFAULT '' CHECK (length(caller_contact) <= 200),
    -- the affected person the caller was matched to; the match is kept in
    -- "affected" too, so a person removed from the list later does not
    -- change the counts already reported
    person_id       bigint REFERENCES people (id) ON DELETE SET NULL,
    affected        text NOT NULL DEFAULT 'unknown' CHECK (affected IN ('yes', 'no', 'unknown')),
    question        text NOT NULL CHECK (length(question) BETWEEN 1 AND 5000),
    answer          text NOT NULL DEFAULT '' CHECK (length(answer) <= 5000),
    status          text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'answered')),
    category        text NOT NULL DEFAULT 'other' CHECK (length(category) BETWEEN 1 AND 50),
    taken_by        text NOT NULL DEFAULT '' CHECK (length(taken_by) <= 200),
    answered_at     timestamptz,
    created_by      bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organisation_id, case_id) REFERENCES cases (organisation_id, id) ON DELETE CASCADE,
    CHECK (status = 'open' OR answer <> ''),
    UNIQUE (organisation_id, id)
);
CREATE INDEX inquiries_case_idx ON inquiries (case_id, received_at DESC, id DESC);
CREATE INDEX inquiries_person_idx ON inquiries (person_id) WHERE person_id IS NOT NULL;

-- The curated questions and answers of a case's call-centre FAQ sheet, in
-- the order staff arranged them. An entry may start as a promoted inquiry.
CREATE TABLE faq_entries (
    id                bigserial PRIMARY KEY,
    organisation_id   bigint NOT NULL,
    case_id           bigint NOT NULL,
    position          integer NOT NULL,
    question_ja       text NOT NULL DEFAULT '' CHECK (length(question_ja) <= 1000),
    answer_ja         text NOT NULL DEFAULT '' CHECK (length(answer_ja) <= 5000),
    question_en       text NOT NULL DEFAULT '' CHECK (length(question_en) <= 1000),
    answer_en         text NOT NULL DEFAULT '' CHECK (length(answer_en) <= 5000),
    source_inquiry_id bigint REFERENCES inquiries (id) ON DELETE SET NULL,
    created_by        bigint REFERENCES users (id) ON DELETE SET NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    FOREIGN KEY (organisation_id, case_id) REFERENCES cases (organisation_id, id) ON DELETE CASCADE,
    CHECK (question_ja <> '' OR question_en <> ''),
    UNIQUE (organisation_id, id)
);
CREATE INDEX faq_entries_case_idx ON faq_entries (case_id, position, id);
