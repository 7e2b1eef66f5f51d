# t/lib_denorm.pm — helpers shared by the Perl TAP tests: a node with denorm
# installed and the bookkeeping example loaded, and an audit check.
package lib_denorm;

use strict;
use warnings;
use PostgreSQL::Test::Cluster;
use PostgreSQL::Test::Utils;
use Test::More;
use Exporter 'import';

our @EXPORT = qw(new_books_node load_books audit_count denorm_top);

# Where examples/ lives (scripts/test.sh exports TOP: a copy readable by the server's user).
sub denorm_top { return $ENV{TOP} // '..'; }

# A started node with denorm preloaded (for shared counters) and room for
# prepared transactions.
sub new_books_node
{
	my ($name, %conf) = @_;
	my $node = PostgreSQL::Test::Cluster->new($name);
	$node->init(allows_streaming => $conf{logical} ? 'logical' : 0);
	$node->append_conf('postgresql.conf', join("\n",
		"shared_preload_libraries = 'denorm'",
		"max_prepared_transactions = 10",
		"fsync = on",
		"restart_after_crash = on",
		""));
	$node->start;
	return $node;
}

# CREATE EXTENSION and the example schema, with sample data.
sub load_books
{
	my ($node, $db, %opt) = @_;
	my $top = denorm_top();
	my $version = $opt{version} ? " VERSION '$opt{version}'" : '';
	$node->safe_psql($db, "CREATE EXTENSION denorm$version");
	$node->safe_psql($db, "\\set top $top\n\\i $top/examples/bookkeeping.sql\n\\i $top/examples/sample_data.sql\n");
	return;
}

# Rows denorm.audit() reports: drifted keys and invariant violations.
sub audit_count
{
	my ($node, $db) = @_;
	return $node->safe_psql($db, 'SELECT count(*) FROM denorm.audit()');
}

1;
