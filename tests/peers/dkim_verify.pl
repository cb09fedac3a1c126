#!/usr/bin/perl
# Verifies every DKIM-Signature of a message with Mail::DKIM (Debian's libmail-dkim-perl), asking a real DNS
# server for the keys — the second independent verifier of Herald's signatures in the integration tests.
#
# usage: dkim_verify.pl HOST:PORT MESSAGE_FILE
# Prints one line per signature: "<algorithm> <domain> <selector> <result>" (result: pass, fail, invalid,
# none; Debian 12's Mail::DKIM knows no ed25519-sha256, so such a signature is "invalid" here). Exit status 0.
use strict;
use warnings;
use Mail::DKIM::Verifier;
use Net::DNS;

my ($server, $message) = @ARGV;
die "usage: $0 HOST:PORT MESSAGE_FILE\n" unless defined $message;
my ($host, $port) = split /:/, $server;
Mail::DKIM::DNS::resolver(Net::DNS::Resolver->new(nameservers => [$host], port => $port, recurse => 0,
                                                  tcp_timeout => 5, udp_timeout => 5));
my $dkim = Mail::DKIM::Verifier->new(Strict => 1);
open(my $in, '<', $message) or die "$message: $!\n";
binmode $in;
while (my $line = <$in>) {
  $line =~ s/\r?\n\z/\r\n/;
  $dkim->PRINT($line);
}
$dkim->CLOSE;
foreach my $signature ($dkim->signatures) {
  printf "%s %s %s %s\n", $signature->algorithm, $signature->domain, $signature->selector, $signature->result;
}
