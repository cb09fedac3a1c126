#!/usr/bin/python3
"""Checks every DKIM signature of a message with dkimpy (Debian's python3-dkim), for src/dkim's peer tests.

    /usr/bin/python3 verify_dkimpy.py DNS_FILE MESSAGE_FILE

DNS_FILE holds the TXT records, one a line as "name<TAB>text" (the format of ../shared/corpora/dkim/dns.tsv);
any other name has no record, and nothing is asked of the network. Prints one line per DKIM-Signature field,
top first: "<a=> pass"; "<a=> fail" or "<a=> fail (<reason>)" when the signature does not match (a changed
header, or a body whose hash differs from bh=); "<a=> error (<reason>)" when dkimpy refuses the signature or key.
Exits 0 once every signature has been looked at, 2 on bad arguments.
"""
import sys

import dkim
import dkim.util


def read_records(path):
    records = {}
    with open(path, encoding='ascii') as lines:
        for line in lines:
            name, _, text = line.rstrip('\r\n').partition('\t')
            if text:
                records[name.lower().rstrip('.')] = text.split('\t')[0].encode('ascii')
    return records


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    records = read_records(sys.argv[1])
    with open(sys.argv[2], 'rb') as message_file:
        message = message_file.read()

    def dnsfunc(name, timeout=5):
        if isinstance(name, bytes):
            name = name.decode('ascii')
        return records.get(name.lower().rstrip('.'))

    verifier = dkim.DKIM(message)
    signatures = [value for name, value in verifier.headers if name.lower() == b'dkim-signature']
    for index, value in enumerate(signatures):
        algorithm = dkim.util.parse_tag_value(value).get(b'a', b'?').decode('ascii')
        try:
            print(algorithm, 'pass' if verifier.verify(idx=index, dnsfunc=dnsfunc) else 'fail')
        except dkim.ValidationError as error:
            print(algorithm, f'fail ({error})')
        except dkim.DKIMException as error:
            print(algorithm, f'error ({error})')
    return 0


if __name__ == '__main__':
    sys.exit(main())
