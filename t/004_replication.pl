# Logical replication to a reporting node, both ways: (A) projections
# replicated with the canonical tables, denorm's triggers not re-applying on
# the subscriber; (B) canonical tables only, the subscriber maintaining its
# own projections (denorm.set_replica_maintenance).
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use lib_denorm;

my $pub = new_books_node('pub', logical => 1);
my $sub = new_books_node('sub');
$pub->safe_psql('postgres', 'CREATE DATABASE books');
load_books($pub, 'books');
for my $db ('mirror', 'local') {
	$sub->safe_psql('postgres', "CREATE DATABASE $db");
	load_books($sub, $db);
	# The subscriber gets its rows from the publisher: empty the sample data.
	$sub->safe_psql($db, q{SET session_replication_role = replica;
		TRUNCATE business, account, customer, invoice, invoice_item, payment, income, expense, transfer,
		         financial_transaction, journal_entry, account_transaction CASCADE;});
}
my @canonical = qw(business account customer invoice invoice_item payment income expense transfer);
my @targets = qw(financial_transaction journal_entry account_transaction);
$pub->safe_psql('books', 'CREATE PUBLICATION everything FOR TABLES IN SCHEMA public');
$pub->safe_psql('books', 'CREATE PUBLICATION canonical FOR TABLE ' . join(', ', @canonical));

my $connstr = $pub->connstr . ' dbname=books';
$sub->safe_psql('mirror', "CREATE SUBSCRIPTION s_mirror CONNECTION '$connstr' PUBLICATION everything");
# (B): maintain every projection from replicated changes.
$sub->safe_psql('local', q{SELECT denorm.set_replica_maintenance(name) FROM denorm.projection});
$sub->safe_psql('local', "CREATE SUBSCRIPTION s_local CONNECTION '$connstr' PUBLICATION canonical");
$sub->safe_psql($_, 'SELECT denorm.stats_reset()') for ('mirror', 'local');
$sub->wait_for_subscription_sync($pub, 's_mirror', 'mirror');
$sub->wait_for_subscription_sync($pub, 's_local', 'local');

# Writes on the publisher: single rows and bulk, every kind.
$pub->safe_psql('books', q{
	INSERT INTO invoice (id, business_pk, customer_id, number, invoice_date)
	  SELECT g, 1, 1, 'I-' || g, '2026-01-01' FROM generate_series(1, 50) g;
	INSERT INTO invoice_item SELECT g, 1 + g % 50, 'x', 1 + g % 3, 10, 0.1 FROM generate_series(1, 200) g;
	INSERT INTO income SELECT g, 1, 5, 6, g, '2026-01-01', 'USD', 'i' FROM generate_series(1, 100) g;
	INSERT INTO payment SELECT g, 1, 1 + g % 50, 1, 5, '2026-01-01', 'USD', 'p' FROM generate_series(1, 100) g;
	UPDATE invoice_item SET unit_price = 12 WHERE id % 5 = 0;
	UPDATE invoice_item SET invoice_id = 1 WHERE id = 7;
	DELETE FROM invoice_item WHERE id % 9 = 0;
	UPDATE income SET description = 'edited' WHERE id < 10;
	DELETE FROM payment WHERE id > 90;
	UPDATE account SET name = 'Renamed bank' WHERE id = 5;
});
$pub->wait_for_catchup('s_mirror');
$pub->wait_for_catchup('s_local');

my $fp = sub {
	my ($tables) = @_;
	return 'SELECT md5(string_agg(x, \',\' ORDER BY x)) FROM ('
	  . join(' UNION ALL ', map { "SELECT t::text AS x FROM $_ t" } @$tables) . ') s';
};
my $want = $pub->safe_psql('books', $fp->([ 'invoice', @targets ]));
is($sub->safe_psql('mirror', $fp->([ 'invoice', @targets ])), $want,
	'(A) the replicated projections match the publisher\'s');
is(audit_count($sub, 'mirror'), '0', '(A) and are in step with the replicated canonical tables');
is($sub->safe_psql('mirror', q{SELECT sum(statements) FROM denorm.stats}), '0',
	'(A) denorm did no maintenance on the subscriber: nothing was applied twice');
is($sub->safe_psql('local', $fp->([ 'invoice', @targets ])), $want,
	'(B) the projections the subscriber maintained itself match the publisher\'s');
is(audit_count($sub, 'local'), '0', '(B) and audit reports nothing')
  or diag($sub->safe_psql('local', q{SELECT projection, problem, count(*), min(key), min(expected::text), min(actual::text)
                                      FROM denorm.audit() GROUP BY 1, 2}));
ok($sub->safe_psql('local', q{SELECT sum(statements) FROM denorm.stats}) > 0,
	'(B) the subscriber did the maintenance');

$sub->stop;
$pub->stop;
done_testing();
