-- (a) none: the canonical tables only; nothing maintains the projections
-- (their tables exist, as in every variant, but stay empty / zero).
\ir _base.sql
