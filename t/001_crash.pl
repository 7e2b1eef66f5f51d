# Crashes and faults: a backend killed before COMMIT, the postmaster stopped
# immediately in the middle of a write load, a prepared transaction holding
# denorm's locks across a restart.
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use lib_denorm;

my $node = new_books_node('crash');
$node->safe_psql('postgres', 'CREATE DATABASE books');
load_books($node, 'books');
$node->safe_psql('books', q{
	INSERT INTO invoice (id, business_pk, customer_id, number, invoice_date)
	  SELECT g, 1, 1, 'I-' || g, '2026-01-01' FROM generate_series(1, 100) g;
	INSERT INTO invoice_item SELECT g, 1 + g % 100, 'x', 1, 10, 0.1 FROM generate_series(1, 500) g;
	INSERT INTO income SELECT g, 1, 5, 6, 100, '2026-01-01', 'USD', 'i' FROM generate_series(1, 100) g;
});
is(audit_count($node, 'books'), '0', 'audit is clean before the faults');

# 1. A backend killed with SIGKILL after maintenance, before COMMIT.
my $s = $node->background_psql('books');
$s->query_safe('BEGIN');
$s->query_safe(q{INSERT INTO invoice (id, business_pk, customer_id, number, invoice_date)
                 VALUES (1000, 1, 1, 'KILLED', '2026-01-02')});
$s->query_safe(q{INSERT INTO invoice_item VALUES (1000, 1000, 'x', 3, 7, 0)});
$s->query_safe(q{UPDATE income SET amount = 999 WHERE id = 1});
my $maintained = $s->query_safe(q{SELECT total_amount FROM invoice WHERE id = 1000});
is($maintained, '21.00', 'maintenance ran inside the doomed transaction');
my $pid = $s->query_safe('SELECT pg_backend_pid()');
my $locks = $s->query_safe(q{SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
                              AND objsubid IN (20036, 20037) AND pid = pg_backend_pid()});
ok($locks > 0, "the transaction held denorm's key locks ($locks)");
my $log_offset = -s $node->logfile;
kill 'KILL', $pid;
eval { $s->quit; };
$node->wait_for_log(qr/database system is ready to accept connections/, $log_offset);
is($node->safe_psql('books', q{SELECT count(*) FROM invoice WHERE id = 1000}), '0',
	'the canonical change is gone');
is($node->safe_psql('books', q{SELECT count(*) FROM journal_entry
                               WHERE canonical_type = 'invoice' AND canonical_pk = 1000}), '0',
	'the projection change is gone');
is($node->safe_psql('books', q{SELECT amount FROM financial_transaction
                               WHERE canonical_type = 'income' AND canonical_pk = 1}), '100.00',
	'the projection row kept its committed value');
is($node->safe_psql('books', q{SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
                               AND objsubid IN (20036, 20037)}), '0', 'no denorm lock remains');
is(audit_count($node, 'books'), '0', 'audit reports nothing after the crash');

# 2. The postmaster stopped immediately in the middle of a pgbench write load.
my $script = <<'SQL';
\set inv random(1, 100)
\set item random(1, 500)
\set inc random(1, 100)
BEGIN;
UPDATE invoice_item SET unit_price = unit_price + 1 WHERE id = :item;
UPDATE invoice_item SET invoice_id = :inv WHERE id = :item;
UPDATE income SET amount = amount + 1, description = 'load' WHERE id = :inc;
INSERT INTO payment (id, business_pk, invoice_id, account_id, amount, payment_date)
  VALUES (:item * 1000 + :inc * 10 + :client_id, 1, :inv, 1, 5, '2026-02-01') ON CONFLICT (id) DO NOTHING;
END;
SQL
my $scriptfile = $node->basedir . '/load.sql';
open(my $fh, '>', $scriptfile) or die $!;
print $fh $script;
close $fh;
my ($out, $err) = ('', '');
my $bench = IPC::Run::start(
	[ 'pgbench', '-n', '-c', '4', '-T', '30', '--max-tries=100', '-f', $scriptfile,
	  '-h', $node->host, '-p', $node->port, 'books' ],
	'>', \$out, '2>', \$err);
sleep 4;
$node->stop('immediate');
$bench->finish;
$node->start;
ok($node->safe_psql('books', 'SELECT count(*) FROM payment') > 0, 'the load wrote before the stop');
is(audit_count($node, 'books'), '0', 'audit reports nothing after an immediate stop mid-load');

# 3. A prepared transaction holding maintenance locks survives a restart,
#    still blocks writers on its keys, and commits or rolls back cleanly.
my $before4 = $node->safe_psql('books', q{SELECT amount FROM income WHERE id = 4});
$node->safe_psql('books', q{
	BEGIN;
	UPDATE income SET amount = 1234 WHERE id = 2;
	UPDATE invoice_item SET unit_price = 20 WHERE id = 3;
	PREPARE TRANSACTION 'p_commit';
	BEGIN;
	UPDATE income SET amount = 4321 WHERE id = 4;
	PREPARE TRANSACTION 'p_rollback';
});
$node->restart;
is($node->safe_psql('books', q{SELECT count(*) FROM pg_locks l JOIN pg_prepared_xacts p
                               ON l.virtualtransaction = '-1/' || p.transaction
                               WHERE l.locktype = 'advisory' AND l.objsubid = 20036
                                 AND l.classid = 'income'::regclass}), '2',
	'the prepared transactions still hold their income key locks after the restart');
# Renaming the account both incomes read must lock their keys: it waits for
# the prepared transactions, and times out naming the projection and key.
my ($ret, $stdout, $stderr) = $node->psql('books', q{
	SET denorm.lock_timeout = '200ms';
	UPDATE account SET name = 'Renamed bank' WHERE id = 5;});
like($stderr, qr/timed out waiting for the lock on key 5 of account of projection "ft_\w+"/,
	'a writer needing a prepared transaction\'s key waits, and times out naming the projection and key');
$node->safe_psql('books', q{COMMIT PREPARED 'p_commit'});
$node->safe_psql('books', q{ROLLBACK PREPARED 'p_rollback'});
is($node->safe_psql('books', q{SELECT amount FROM financial_transaction
                               WHERE canonical_type = 'income' AND canonical_pk = 2}), '1234.00',
	'the committed prepared transaction is projected');
is($node->safe_psql('books', q{SELECT amount FROM financial_transaction
                               WHERE canonical_type = 'income' AND canonical_pk = 4}), $before4,
	'the rolled back one left no trace');
$node->safe_psql('books', q{UPDATE account SET name = 'Renamed bank' WHERE id = 5});
is($node->safe_psql('books', q{SELECT count(DISTINCT account_name) FROM financial_transaction
                               WHERE account_id = 5}), '1', 'the rename went through once free');
is($node->safe_psql('books', q{SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'
                               AND objsubid IN (20036, 20037)}), '0', 'no denorm lock remains');
is(audit_count($node, 'books'), '0', 'audit reports nothing after the prepared transactions');

$node->stop;
done_testing();
