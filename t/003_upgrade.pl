# Extension upgrades: install the previous version, fill data, ALTER EXTENSION
# UPDATE, and everything still holds.
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use lib_denorm;

my $node = new_books_node('upgrade');
my ($ret, $out, $err);
$node->safe_psql('postgres', 'CREATE DATABASE books');
load_books($node, 'books', version => '0.1');
is($node->safe_psql('books', q{SELECT extversion FROM pg_extension WHERE extname = 'denorm'}), '0.1',
	'version 0.1 installed');
$node->safe_psql('books', q{
	INSERT INTO invoice (id, business_pk, customer_id, number, invoice_date)
	  SELECT g, 1, 1, 'I-' || g, '2026-01-01' FROM generate_series(1, 100) g;
	INSERT INTO invoice_item SELECT g, 1 + g % 100, 'x', 1, 10, 0.1 FROM generate_series(1, 400) g;
	INSERT INTO income SELECT g, 1, 5, 6, g, '2026-01-01', 'USD', 'i' FROM generate_series(1, 100) g;
});
is(audit_count($node, 'books'), '0', 'in step on 0.1');

# Registration ran today's library, which gives a row target one shared
# guard; put back the one guard per projection that 0.1 to 0.3 made.
$node->safe_psql('books', q{
	DO $$
	DECLARE p record;
	BEGIN
		FOR p IN SELECT name, target FROM denorm.projection WHERE kind = 'row' LOOP
			EXECUTE format('CREATE TRIGGER %I BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON %s '
			               'FOR EACH STATEMENT EXECUTE FUNCTION denorm.guard(%L)',
			               'denorm_' || p.name || '_guard', p.target, p.name);
		END LOOP;
		FOR p IN SELECT DISTINCT target FROM denorm.projection WHERE kind = 'row' LOOP
			EXECUTE format('DROP TRIGGER denorm_guard ON %s', p.target);
		END LOOP;
	END $$;});
# The statement-level (tgtype bit 0 clear) guards.
my $stmt_guards = q{FROM pg_trigger WHERE tgfoid = 'denorm.guard()'::regprocedure AND tgtype & 1 = 0};
my $guards = qq{SELECT string_agg(tgrelid::regclass || ' ' || tgname, ', ' ORDER BY tgrelid::regclass::text, tgname)
                $stmt_guards};
is($node->safe_psql('books', "SELECT count(*) $stmt_guards"), '14',
	'the 0.3 layout: a statement guard per row projection');

$node->safe_psql('books', 'ALTER EXTENSION denorm UPDATE');
is($node->safe_psql('books', q{SELECT extversion FROM pg_extension WHERE extname = 'denorm'}), '0.4',
	'updated to 0.4, through 0.2 and 0.3');
is($node->safe_psql('books', $guards),
	'account_transaction denorm_guard, financial_transaction denorm_guard, journal_entry denorm_guard',
	'0.4 replaced them with one denorm_guard per row target');
($ret, $out, $err) = $node->psql('books', q{DELETE FROM journal_entry WHERE canonical_type = 'invoice'});
like($err, qr/cannot delete from public\.journal_entry: its rows are maintained by projections "je_expense", "je_income", "je_invoice", "je_payment", "je_transfer"/,
	'the shared guard refuses a direct write, naming every projection into the table');
is($node->safe_psql('books', q{SELECT count(*) FROM pg_event_trigger WHERE evtname LIKE 'denorm_%'}), '3',
	'the 0.2 event triggers exist');
is(audit_count($node, 'books'), '0', 'still in step after the update');

$node->safe_psql('books', q{
	INSERT INTO invoice_item SELECT g, 1 + g % 100, 'y', 2, 5, 0 FROM generate_series(401, 600) g;
	DELETE FROM invoice_item WHERE id % 7 = 0;
	UPDATE income SET amount = amount * 2;
	ALTER TABLE financial_transaction RENAME COLUMN amount TO signed_amount;
	UPDATE income SET amount = amount + 1 WHERE id < 10;});
is(audit_count($node, 'books'), '0', 'writes and a followed rename after the update keep it in step');
($ret, $out, $err) = $node->psql('books', 'DROP TABLE journal_entry');
like($err, qr/because projection "je_\w+" writes it/, 'a 0.2 feature works: dropping a target is refused');
$node->safe_psql('books', q{SELECT denorm.rebuild_target('journal_entry')});
is(audit_count($node, 'books'), '0', 'a 0.3 feature works: rebuild_target of a target made on 0.1');

# A fresh install gets the same objects as an updated one.
$node->safe_psql('postgres', 'CREATE DATABASE fresh');
$node->safe_psql('fresh', 'CREATE EXTENSION denorm');
my $objects = q{SELECT string_agg(pg_describe_object(classid, objid, objsubid), E'\n' ORDER BY 1)
                FROM pg_depend WHERE refclassid = 'pg_extension'::regclass
                 AND refobjid = (SELECT oid FROM pg_extension WHERE extname = 'denorm')};
is($node->safe_psql('books', $objects), $node->safe_psql('fresh', $objects),
	'an updated installation has exactly the objects of a fresh one');

$node->stop;
done_testing();
