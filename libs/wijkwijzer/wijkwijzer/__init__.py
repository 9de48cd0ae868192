"""Plumbing shared by the WijkWijzer services. Domain logic never lives here."""
import warnings

# nameko 2.14 runs on eventlet, a fixed choice of the platform: its deprecation notice on import says
# nothing an operator can act on, so the ops commands (python -m wijkwijzer..., the services' own)
# do not print it
warnings.filterwarnings("ignore", message=r"(?s).*Eventlet is deprecated")
