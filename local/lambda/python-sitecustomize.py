# Loaded by local Python sandboxes only (as `sitecustomize`, from the SDK folder on PYTHONPATH:
# see python-sdk.ts). Lambda's Python runtimes ship a botocore that reads the endpoint of each
# client from AWS_ENDPOINT_URL_<SERVICE> or AWS_ENDPOINT_URL ("configured endpoint URLs",
# botocore 1.31, 2023). Debian's python3-botocore is older (1.29) and would send a contender's
# `boto3.client("s3")` to the real AWS instead of the harness's embedded S3. For such an older
# botocore only, this adds that one behaviour, with the same precedence: an explicit endpoint_url
# first, then the service's variable, then the global one; AWS_IGNORE_CONFIGURED_ENDPOINT_URLS
# turns it off. botocore is patched when something imports it, so a function that never imports
# the SDK pays nothing at start.
import importlib.util
import os
import sys

_NATIVE_SINCE = (1, 31)


def _configured_endpoint(session, service_name, api_version):
    if os.environ.get("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "").lower() == "true":
        return None
    service_id = str(session.get_service_model(service_name, api_version).service_id)
    specific = "AWS_ENDPOINT_URL_" + service_id.replace(" ", "_").upper()
    return os.environ.get(specific) or os.environ.get("AWS_ENDPOINT_URL") or None


def _patch(session_module):
    import botocore

    version = tuple(int(part) for part in botocore.__version__.split(".")[:2] if part.isdigit())
    if version >= _NATIVE_SINCE:
        return
    original = session_module.Session.create_client

    def create_client(self, service_name, *args, **kwargs):
        # endpoint_url is the 6th parameter; boto3 passes everything by keyword.
        if len(args) < 5 and kwargs.get("endpoint_url") is None:
            endpoint = _configured_endpoint(self, service_name, kwargs.get("api_version"))
            if endpoint:
                kwargs["endpoint_url"] = endpoint
        return original(self, service_name, *args, **kwargs)

    session_module.Session.create_client = create_client


class _PatchOnImport:
    """Finds botocore.session like the normal import system, then patches it once executed."""

    def find_spec(self, name, path, target=None):
        if name != "botocore.session":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        if spec is None or spec.loader is None:
            return spec
        execute = spec.loader.exec_module

        def exec_module(module):
            execute(module)
            _patch(module)

        spec.loader.exec_module = exec_module
        return spec


sys.meta_path.insert(0, _PatchOnImport())
