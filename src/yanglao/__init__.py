"""yanglao: a county civil-affairs bureau's basic elderly-care service system (基本养老服务体系)."""

__version__ = "0.1.0"
