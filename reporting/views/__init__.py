"""The reporting app's pages: the strategy pages with measures, the IPR, the Board
pack and process changes, a module each."""
