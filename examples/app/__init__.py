"""A small service that calls the seed SDKs: errlint's bundled example (`errlint examples/`)."""
