-- (e) denorm: the extension, and the example schema exactly as shipped.
CREATE EXTENSION denorm;
\o /dev/null
\i :top/examples/bookkeeping.sql
\o
