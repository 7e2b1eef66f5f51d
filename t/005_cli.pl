# pg_denorm, the operator's command: status, audit (exit 1 on drift), repair,
# rebuild-table, and a batched rebuild that is interrupted (stopped, or its
# backend killed mid-batch), shows what is left in audit, and resumes to zero
# drift.
use strict;
use warnings;
use FindBin;
use lib $FindBin::RealBin;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use lib_denorm;

my $node = new_books_node('cli');
$node->safe_psql('postgres', 'CREATE DATABASE books');
load_books($node, 'books');
$node->safe_psql('books', q{
	INSERT INTO income SELECT g, 1, 5, 6, g, '2026-01-01', 'USD', 'i' FROM generate_series(1, 5000) g;
	INSERT INTO invoice (id, business_pk, customer_id, number, invoice_date)
	  SELECT g, 1, 1, 'I-' || g, '2026-01-01' FROM generate_series(1, 300) g;
	INSERT INTO invoice_item SELECT g, 1 + g % 300, 'x', 1, 10, 0 FROM generate_series(1, 900) g;
});
my @conn = ('-h', $node->host, '-p', $node->port, '-d', 'books');
my ($out, $err, $rc);

my $run = sub {
	my @cmd = ('pg_denorm', @conn, @_);
	($out, $err) = ('', '');
	IPC::Run::run(\@cmd, '>', \$out, '2>', \$err);
	$rc = $? >> 8;
};

$run->('status');
is($rc, 0, 'status exits 0');
like($out, qr/^projection\s+kind\s+source\s+target.*\n-+.*\nft_expense\s+row\s+expense\s+financial_transaction/s,
	'status prints the projections and their counters as a table');
$run->('audit');
is($rc, 0, 'audit exits 0 when nothing drifted');
like($out, qr/^0 drifted keys$/m, '... and says so');

# Plant drift: 1,700 keys of ft_income, a few invoice totals.
$node->safe_psql('books', q{SET denorm.allow_direct_writes = on;
	DELETE FROM financial_transaction WHERE canonical_type = 'income' AND canonical_pk % 3 = 0;
	UPDATE invoice SET total_amount = 1 WHERE id <= 5;});
$run->('audit', 'invoice_totals');
is($rc, 1, 'audit exits 1 on drift (for cron and CI)');
like($out, qr/^invoice_totals\s+1\s+different\s+\{"item_count": 3/m, 'and shows the drifted keys');
like($out, qr/^5 drifted keys in invoice_totals$/m, '... and how many');
$run->('repair', 'invoice_totals');
like($out, qr/^5 keys repaired$/m, 'repair repairs them');

# Batched rebuild, stopped after two batches: progress shows where it stands,
# audit shows what is left, running it again resumes.
$run->('rebuild', 'ft_income', '--batch', '1000', '--max-batches', '2');
is($rc, 0, 'a rebuild stopped after two batches exits 0');
like($out, qr/^ft_income: source 2000\/5000 keys, \d+ rows written.*\nft_income: stopped after 2000 keys; run the same command again to resume$/m,
	'it prints plain progress lines when not on a terminal, and how to resume');
is($node->safe_psql('books', q{SELECT phase || ' ' || done || '/' || total FROM denorm.rebuild_progress
                               WHERE projection = 'ft_income'}), 'source 2000/5000',
	'denorm.rebuild_progress shows where it stopped');
my $left = $node->safe_psql('books', q{SELECT count(*) FROM denorm.audit('ft_income')});
ok($left > 0 && $left < 1667, "audit shows what is left ($left of 1667 keys)");

# A batch whose backend is killed mid-flight leaves the progress as it was.
my $s = $node->background_psql('books', on_error_stop => 0);
$s->query_safe('BEGIN');
$s->query_safe(q{SELECT * FROM denorm.rebuild_step('ft_income', 1000)});
my $pid = $s->query_safe('SELECT pg_backend_pid()');
$node->safe_psql('postgres', "SELECT pg_terminate_backend($pid)");
eval { $s->quit; };
is($node->safe_psql('books', q{SELECT done FROM denorm.rebuild_progress WHERE projection = 'ft_income'}), '2000',
	'a batch killed before its commit leaves no trace in the progress');
is($node->safe_psql('books', q{SELECT count(*) FROM denorm.audit('ft_income')}), $left,
	'... nor in the projection');

$run->('rebuild', 'ft_income', '--batch', '1000');
is($rc, 0, 'the resumed rebuild finishes');
like($out, qr/^ft_income: source 3000\/5000 keys/m, 'it resumed after the last committed batch');
like($out, qr/^ft_income: done 5000\/5000 keys/m, 'and finished');
is($node->safe_psql('books', q{SELECT count(*) FROM denorm.audit()}), '0', 'zero drift after the resumed rebuild');
$run->('audit');
is($rc, 0, 'audit exits 0 again');

# rebuild-table: the whole journal from scratch, by new tables swapped in.
$node->safe_psql('books', q{SET denorm.allow_direct_writes = on;
	TRUNCATE journal_entry, account_transaction;});
$run->('rebuild-table', 'journal_entry');
is($rc, 0, 'rebuild-table exits 0');
like($out, qr/^journal_entry: \d+ rows written$/m, '... and says how many rows it wrote');
is($err, '', '... and no NOTICE: the table was swapped');
$run->('rebuild-table', 'account_transaction');
$run->('audit');
is($rc, 0, 'zero drift after rebuilding both journal tables');
$run->('rebuild-table', 'invoice');
is($rc, 0, 'rebuild-table of a column target exits 0');
like($err, qr/NOTICE:  rebuilding table "invoice" in place: column projection/,
	'... and passes on the server\'s NOTICE saying why it rebuilt in place');
$run->('rebuild-table', 'income');
is($rc, 2, 'rebuild-table of a table no projection writes exits 2');
like($err, qr/no projection writes into table "income"/, 'with the server\'s message');

$run->('rebuild');
is($rc, 2, 'a command without its projection exits 2');
$run->('audit', 'no_such_projection');
is($rc, 2, 'an unknown projection exits 2');
like($err, qr/projection "no_such_projection" does not exist/, 'with the server\'s message');

$node->stop;
done_testing();
