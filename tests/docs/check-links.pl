#!/usr/bin/perl
# check-links.pl FILE.md... - fail on a dangling relative link or anchor.
#
# For every Markdown link [text](target) outside code (fenced blocks and
# `spans`) whose target is relative (not scheme:, not //): the file or
# directory must exist (relative to the linking file), and a #anchor must
# name a heading of the target file (or of the linking file for a bare
# #anchor), slugged as GitHub does: lower case, punctuation other than
# '-' and '_' dropped, spaces to '-', a repeated slug gets -1, -2, ...
# Exit status: 0 all good, 1 dangling links (listed), 2 usage.
use strict;
use warnings;
use File::Basename qw(dirname);
use File::Spec;

@ARGV or die "usage: $0 FILE.md...\n";

my %anchors;	# file => { slug => 1 }

sub slugs_of {
	my ($file) = @_;
	return $anchors{$file} if $anchors{$file};
	my (%seen, %slugs);
	open(my $fh, '<', $file) or return {};
	my $fence = 0;
	while (my $line = <$fh>) {
		if ($line =~ /^\s*(```|~~~)/) { $fence = !$fence; next; }
		next if $fence;
		next unless $line =~ /^#{1,6}\s+(.*?)\s*#*\s*$/;
		my $s = lc $1;
		$s =~ s/`//g;
		$s =~ s/\[([^\]]*)\]\([^)]*\)/$1/g;	# a link in a heading: its text
		$s =~ s/[^\p{L}\p{N}\s_-]//g;
		$s =~ s/ /-/g;
		my $n = $seen{$s}++;
		$slugs{$n ? "$s-$n" : $s} = 1;
	}
	close $fh;
	return $anchors{$file} = \%slugs;
}

my ($links, $bad) = (0, 0);
for my $file (@ARGV) {
	open(my $fh, '<', $file) or die "$0: $file: $!\n";
	my $fence = 0;
	while (my $line = <$fh>) {
		if ($line =~ /^\s*(```|~~~)/) { $fence = !$fence; next; }
		next if $fence;
		my $ln = $.;
		(my $text = $line) =~ s/`[^`]*`//g;
		while ($text =~ /\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g) {
			my $target = $1;
			next if $target =~ m{^[a-z][a-z0-9+.-]*:}i || $target =~ m{^//};
			$links++;
			my ($path, $anchor) = split /#/, $target, 2;
			my $dest = $file;
			if (length $path) {
				$dest = File::Spec->catfile(dirname($file), $path);
				unless (-e $dest) {
					print "$file:$ln: $target: no such file\n";
					$bad++;
					next;
				}
			}
			next unless defined $anchor && length $anchor;
			if (-d $dest || $dest !~ /\.md$/) {
				print "$file:$ln: $target: an anchor into something not Markdown\n";
				$bad++;
				next;
			}
			unless (slugs_of($dest)->{lc $anchor}) {
				print "$file:$ln: $target: no heading with that anchor in $dest\n";
				$bad++;
			}
		}
	}
	close $fh;
}
printf "links: %d relative link(s) in %d file(s), %d dangling\n", $links, scalar @ARGV, $bad;
exit($bad ? 1 : 0);
