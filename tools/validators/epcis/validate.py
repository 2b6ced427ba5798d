#!/usr/bin/env python3
"""
Validates EPCIS 2.0 JSON-LD documents with GS1's own artefacts (vendored in ./gs1 from
github.com/gs1/EPCIS, see gs1/README.md):
  1. GS1's EPCIS 2.0 JSON Schema (EPCIS-JSON-Schema.json) with the `jsonschema` package;
  2. every eventID that is an `ni:///` event hash is recomputed with GS1's reference
     implementation of the CBV 2.0 event hash (PyPI epcis-event-hash-generator) and must match;
  3. GS1's EPCIS SHACL shapes (EPCIS-SHACL.ttl) with pyshacl, over the RDF graph the document
     expands to under GS1's JSON-LD context: jsonld.js turns it into N-Quads offline in safe
     mode (to-nquads.js; an undefined term fails), pyshacl validates those.
Usage: validate.py [--expect-fail] FILE_OR_DIR...   Prints one line per document and a summary;
exit 1 on any violation or when no document was found (an empty run proves nothing). With
--expect-fail (the negative controls in controls/fail) every document must be rejected. With
--no-hash the event-hash check is skipped (GS1's own examples carry illustrative eventIDs).
"""
import json
import os
import subprocess
import sys
import tempfile

import jsonschema
import pyshacl
import rdflib
from importlib.metadata import version
from epcis_event_hash_generator import events_from_file_reader, hash_generator

HERE = os.path.dirname(os.path.abspath(__file__))
GS1 = os.path.join(HERE, 'gs1')
CONTEXT_URL = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'


def load_json(path):
    with open(path, encoding='utf-8') as handle:
        return json.load(handle)


def repaired_shapes(path):
    """GS1's shapes, with one load-time repair (the vendored file stays byte-identical).

    EPCIS-SHACL.ttl declares some shapes `a sh:NodeShape` yet gives them an `sh:path` and a
    cardinality, and references them (and one declared sh:PropertyShape, CertificationInfoShape)
    with `sh:node`; SHACL 1.0 (sections 2.3 and 4.7.1) forbids both, so a strict processor
    such as pyshacl refuses the whole file. Their evident intent is property shapes: each is
    typed `sh:PropertyShape` and referenced with `sh:property`, which keeps every constraint
    GS1 wrote and drops none.
    """
    from rdflib.namespace import RDF, SH
    shapes = rdflib.Graph().parse(path, format='turtle')
    misdeclared = sorted({s for s in shapes.subjects(SH.path, None) if isinstance(s, rdflib.URIRef)})
    repaired = 0
    for shape in misdeclared:
        repaired += int((shape, RDF.type, SH.NodeShape) in shapes) or int(any(shapes.subjects(SH.node, shape)))
        shapes.remove((shape, RDF.type, SH.NodeShape))
        shapes.add((shape, RDF.type, SH.PropertyShape))
        for referrer in list(shapes.subjects(SH.node, shape)):
            shapes.remove((referrer, SH.node, shape))
            shapes.add((referrer, SH.property, shape))
    return shapes, repaired


def documents(paths):
    for path in paths:
        if os.path.isdir(path):
            for root, _, files in sorted(os.walk(path)):
                for name in sorted(files):
                    if name.endswith('.json') or name.endswith('.jsonld'):
                        yield os.path.join(root, name)
        else:
            yield path


def main(paths, expect_fail=False, check_hash=True):
    schema = load_json(os.path.join(GS1, 'EPCIS-JSON-Schema.json'))
    validator_class = jsonschema.validators.validator_for(schema)
    schema_validator = validator_class(schema, format_checker=validator_class.FORMAT_CHECKER)
    files = [f for f in documents(paths) if load_json(f).get('type') in ('EPCISDocument', 'EPCISQueryDocument')]
    nquads_dir = tempfile.mkdtemp(prefix='epcis-nq-')
    subprocess.run(['node', os.path.join(HERE, 'to-nquads.js'), nquads_dir, *files], check=False)
    shapes, repaired = repaired_shapes(os.path.join(GS1, 'EPCIS-SHACL.ttl'))

    checked = failed = events = hashed = 0
    for path in files:
        document = load_json(path)
        checked += 1
        problems = []
        for error in sorted(schema_validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
            where = '/'.join(str(p) for p in error.absolute_path)
            problems.append(f'JSON Schema: /{where}: {error.message[:300]}')
        body = document.get('epcisBody', {})
        event_list = body.get('eventList') or body.get('queryResults', {}).get('resultsBody', {}).get('eventList', [])
        try:
            if not check_hash:
                raise StopIteration
            # epcis-event-hash-generator 1.9.3 (the release on PyPI) reads EPCISDocument only:
            # a query document's events are handed to it in that wrapper (the hash is per event).
            as_document = {'@context': document.get('@context'), 'type': 'EPCISDocument',
                           'epcisBody': {'eventList': event_list}}
            wrapped = os.path.join(nquads_dir, os.path.basename(path) + '.events.json')
            with open(wrapped, 'w', encoding='utf-8') as handle:
                json.dump(as_document, handle)
            reference = hash_generator.calculate_hashes_from_pre_hashes(
                hash_generator.derive_prehashes_from_events(events_from_file_reader.event_list_from_file(wrapped, 'JSON')))
            if len(reference) != len(event_list):
                problems.append(f'event hash: reference implementation read {len(reference)} of {len(event_list)} events')
            for index, (event, expected) in enumerate(zip(event_list, reference)):
                event_id = event.get('eventID', '')
                if event_id.startswith('ni:///'):
                    hashed += 1
                    if event_id != expected:
                        problems.append(f'event hash: event {index} eventID {event_id} but GS1 reference gives {expected}')
        except StopIteration:
            pass
        except Exception as error:
            problems.append(f'event hash: {error}')
        nquads = os.path.join(nquads_dir, os.path.basename(path) + '.nq')
        try:
            if os.path.exists(nquads + '.error'):
                raise ValueError(open(nquads + '.error', encoding='utf-8').read().strip())
            data = rdflib.Dataset()
            data.parse(nquads, format='nquads')
            data = rdflib.Graph().parse(data=data.serialize(format='nt'), format='nt')
            conforms, _, text = pyshacl.validate(data, shacl_graph=shapes, advanced=True, allow_warnings=False)
            if not conforms:
                problems.append('SHACL: ' + text.strip())
        except Exception as error:  # a document that is not valid JSON-LD fails too
            problems.append(f'JSON-LD: {error}')
        events += len(event_list)
        if problems:
            failed += 1
            print(f'FAIL {path}')
            for problem in problems:
                print(f'    {problem}')
        else:
            print(f'ok   {path}')
    print(
        f'EPCIS: {checked} documents ({events} events, {hashed} event hashes recomputed with GS1 reference '
        f'epcis-event-hash-generator {version("epcis-event-hash-generator")}) checked with GS1 JSON Schema (jsonschema '
        f'{version("jsonschema")}) and GS1 SHACL shapes (pyshacl {version("pyshacl")}, rdflib '
        f'{version("rdflib")}, jsonld.js safe mode; {repaired} shapes read as property shapes): {checked - failed} passed, {failed} failed'
    )
    if expect_fail:
        return 0 if checked > 0 and failed == checked else 1
    return 0 if checked > 0 and failed == 0 else 1


if __name__ == '__main__':
    arguments = sys.argv[1:]
    flags = {'--expect-fail', '--no-hash'}
    sys.exit(main([a for a in arguments if a not in flags], expect_fail='--expect-fail' in arguments,
                  check_hash='--no-hash' not in arguments))
