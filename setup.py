from setuptools import find_packages, setup

# Metadata and dependencies live in pyproject.toml; setup.py stays for tools that still look for it.
setup(packages=find_packages(exclude=["r1_assets_tests*"]))
