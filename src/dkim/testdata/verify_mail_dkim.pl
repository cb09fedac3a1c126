#!/usr/bin/perl
# Checks every DKIM signature of a message with Mail::DKIM (Debian's libmail-dkim-perl, no Ed25519) in
# Strict mode (RFC 8301: no rsa-sha1, no RSA key under 1024 bits), for src/dkim's peer tests.
#
#   /usr/bin/perl verify_mail_dkim.pl DNS_FILE MESSAGE_FILE
#
# DNS_FILE holds the TXT records, one a line as "name<TAB>text" (the format of ../shared/corpora/dkim/dns.tsv);
# they are served by a resolver object given to Mail::DKIM::DNS::resolver, any other name is NXDOMAIN, and
# nothing is asked of the network. Prints one line per DKIM-Signature field, top first: "<a=> <result>",
# the result as Mail::DKIM details it ("pass", "fail (body has been altered)", "invalid (…)", …).
# Exits 0 once every signature has been looked at, 2 on bad arguments.
use strict;
use warnings;

use Mail::DKIM::DNS;
use Mail::DKIM::Verifier;
use Net::DNS;

package FakeResolver {
  sub new {
    my ($class, $records) = @_;
    return bless {records => $records}, $class;
  }

  # Mail::DKIM::DNS::query calls send(name, type) and reads the answer and its rcode.
  sub send {
    my ($self, $name, $type) = @_;
    my $packet = Net::DNS::Packet->new($name, $type, 'IN');
    $packet->header->qr(1);
    my $text = $self->{records}{lc($name =~ s/\.$//r)};
    if (defined $text && $type eq 'TXT') {
      # One TXT record; its text in strings of at most 255 bytes, as DNS carries it.
      my @strings = unpack('(a255)*', $text);
      $packet->push(answer => Net::DNS::RR->new(name => $name, type => 'TXT', txtdata => [@strings]));
    } else {
      $packet->header->rcode('NXDOMAIN');
    }
    return $packet;
  }

  sub errorstring { return 'NOERROR'; }
}

if (@ARGV != 2) {
  print STDERR "usage: verify_mail_dkim.pl DNS_FILE MESSAGE_FILE\n";
  exit 2;
}
my ($dns_file, $message_file) = @ARGV;

my %records;
open(my $dns, '<', $dns_file) or die "$dns_file: $!\n";
while (my $line = <$dns>) {
  $line =~ s/\r?\n$//;
  my ($name, $text) = split /\t/, $line;
  $records{lc($name =~ s/\.$//r)} = $text if defined $text && length $text;
}
close $dns;
Mail::DKIM::DNS::resolver(FakeResolver->new(\%records));

my $verifier = Mail::DKIM::Verifier->new(Strict => 1);
open(my $message, '<:raw', $message_file) or die "$message_file: $!\n";
$verifier->load($message);
close $message;
for my $signature ($verifier->signatures) {
  printf "%s %s\n", $signature->algorithm, $signature->result_detail;
}
exit 0;
