"""What connects the core to the assistant, the twin and the cameras, and the live event hub."""
