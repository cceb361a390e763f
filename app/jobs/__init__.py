"""The owner's view of a background job: its progress and, when done, its file."""
