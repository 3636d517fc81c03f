#!/usr/bin/python3
"""pysaml2 (Debian python3-pysaml2) as an independent service provider of the broker. TEST ONLY.

Driven by tests/interop/pysaml2.test.ts. Every subcommand takes STATE_DIR, a temp dir that holds
what a real SP keeps between requests (the outstanding request ids), so the Node test can run the
browser side in between:

  metadata STATE_DIR OUT_FILE               write this SP's metadata (for the broker to trust)
  login    STATE_DIR IDP_METADATA           print the HTTP-Redirect URL of a signed AuthnRequest,
                                            remember its id as outstanding
  acs      STATE_DIR IDP_METADATA RESPONSE  read the base64 SAMLResponse in file RESPONSE (the
                                            broker's HTTP-POST), print what pysaml2 accepted as JSON

Errors go to stderr and exit non-zero (an unsolicited Response must end that way).
"""
import json
import os
import sys

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT
from saml2.client import Saml2Client
from saml2.config import SPConfig
from saml2.metadata import entity_descriptor
from saml2.saml import NAMEID_FORMAT_PERSISTENT
from saml2.samlp import RequestedAuthnContext
from saml2.saml import AuthnContextClassRef
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

ENTITY_ID = "https://pysaml2.test/metadata"
ACS = "https://pysaml2.test/acs"
KEYS = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "keys")
SUBSTANTIAL = "http://eidas.europa.eu/LoA/substantial"


def config(idp_metadata=None):
    conf = {
        "entityid": ENTITY_ID,
        # the broker's cookies and our state are separate; pysaml2 itself needs only these
        "key_file": os.path.join(KEYS, "sp2.key"),
        "cert_file": os.path.join(KEYS, "sp2.crt"),
        "xmlsec_binary": "/usr/bin/xmlsec1",
        "signing_algorithm": SIG_RSA_SHA256,
        "digest_algorithm": DIGEST_SHA256,
        "service": {
            "sp": {
                "endpoints": {"assertion_consumer_service": [(ACS, BINDING_HTTP_POST)]},
                "authn_requests_signed": True,
                "want_response_signed": True,
                "want_assertions_signed": True,
                "allow_unsolicited": False,
                "name_id_format": [NAMEID_FORMAT_PERSISTENT],
            }
        },
    }
    if idp_metadata:
        # the metadata signature is not checked: the file comes straight from the broker under test
        conf["metadata"] = {"local": [idp_metadata]}
    c = SPConfig()
    c.load(conf)
    return c


def outstanding_file(state_dir):
    return os.path.join(state_dir, "outstanding.json")


def read_outstanding(state_dir):
    try:
        with open(outstanding_file(state_dir)) as f:
            return json.load(f)
    except FileNotFoundError:
        return {}


def cmd_metadata(state_dir, out_file):
    ed = entity_descriptor(config())
    with open(out_file, "w") as f:
        f.write(str(ed))


def cmd_login(state_dir, idp_metadata):
    client = Saml2Client(config(idp_metadata))
    (idp_entity_id,) = client.metadata.identity_providers()
    rac = RequestedAuthnContext(authn_context_class_ref=[AuthnContextClassRef(text=SUBSTANTIAL)], comparison="minimum")
    req_id, info = client.prepare_for_authenticate(
        entityid=idp_entity_id,
        relay_state="pysaml2-relay",
        binding=BINDING_HTTP_REDIRECT,
        sign=True,
        sigalg=SIG_RSA_SHA256,
        digest_alg=DIGEST_SHA256,
        requested_authn_context=rac,
        nameid_format=NAMEID_FORMAT_PERSISTENT,
    )
    url = dict(info["headers"])["Location"]
    outstanding = read_outstanding(state_dir)
    outstanding[req_id] = url
    with open(outstanding_file(state_dir), "w") as f:
        json.dump(outstanding, f)
    print(json.dumps({"id": req_id, "url": url}))


def value_of(v):
    """An AttributeValue as pysaml2 parsed it: its text, or for element content (the eHerkenning
    NameID identifiers) each child element pysaml2 kept as an extension element."""
    if not v.extension_elements:
        return v.text
    return [
        {"namespace": e.namespace, "tag": e.tag, "attributes": dict(e.attributes), "text": e.text}
        for e in v.extension_elements
    ]


def cmd_acs(state_dir, idp_metadata, response_file):
    client = Saml2Client(config(idp_metadata))
    with open(response_file) as f:
        saml_response = f.read().strip()
    resp = client.parse_authn_request_response(saml_response, BINDING_HTTP_POST, outstanding=read_outstanding(state_dir))
    if resp is None:
        raise RuntimeError("pysaml2 returned no response")
    name_id = resp.name_id
    authn = resp.authn_info()  # [(class_ref, authenticating_authorities, instant)]
    print(
        json.dumps(
            {
                "in_response_to": resp.in_response_to,
                "issuer": resp.issuer(),
                "name_id": name_id.text,
                "name_id_format": name_id.format,
                "authn_context_class_ref": authn[0][0] if authn else None,
                "session_index": resp.session_info().get("session_index"),
                # pysaml2's own view: keyed by FriendlyName where it has no converter for the Name
                "attributes": resp.get_identity(),
                # and the statements as received, so the test can check the Names themselves
                "attribute_statement": [
                    {
                        "name": a.name,
                        "friendly_name": a.friendly_name,
                        "name_format": a.name_format,
                        "values": [value_of(v) for v in a.attribute_value],
                    }
                    for st in resp.assertion.attribute_statement
                    for a in st.attribute
                ],
            }
        )
    )


def main(argv):
    cmds = {"metadata": (cmd_metadata, 2), "login": (cmd_login, 2), "acs": (cmd_acs, 3)}
    if len(argv) < 2 or argv[1] not in cmds or len(argv) - 2 != cmds[argv[1]][1]:
        sys.stderr.write(__doc__)
        return 2
    fn, _ = cmds[argv[1]]
    try:
        fn(*argv[2:])
    except Exception as err:  # the test asserts on the refusal, so name it
        sys.stderr.write("pysaml2_sp: %s: %s\n" % (type(err).__name__, err))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
